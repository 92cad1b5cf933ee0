const hidden = new Set<string>()

/**
 * Registers `secret` (a store URL's password, the app secret) to be cut out of every
 * error message the command prints, as a last line of defence should a driver quote
 * its connection settings in an error.
 *
 * @example
 * ```ts
 * hideInErrors(new URL(storeUrl).password)
 * redact(`auth failed for ${password}`) // 'auth failed for ***'
 * ```
 */
export function hideInErrors(secret: string | undefined): void {
  // Very short values would blank out ordinary words of a message.
  if (secret && secret.length >= 4) hidden.add(secret)
}

/** `text` with every registered secret replaced by `***`. */
export function redact(text: string): string {
  let out = text
  for (const secret of hidden) out = out.split(secret).join('***')
  return out
}
