import type { Keyring } from '../keys/keyring.js'

const PURPOSE = 'tessera.session-auth-hash'

/**
 * Django's session auth hash: an HMAC of the user's password hash under the app
 * secret. Stored in the session at login; when the password changes, the hash no longer
 * matches and every session holding the old one ends. Verification accepts fallback
 * secrets, so rotating the secret logs nobody out.
 *
 * @example
 * ```ts
 * const hash = await sessionAuthHash(manager.keys, user.passwordHash)
 * ```
 */
export function sessionAuthHash(keys: Keyring, passwordHash: string): Promise<string> {
  return keys.sign(PURPOSE, passwordHash)
}

/** Whether `hash` was derived from `passwordHash` under the current or a fallback secret. */
export function verifySessionAuthHash(
  keys: Keyring,
  passwordHash: string,
  hash: string,
): Promise<boolean> {
  return keys.verify(PURPOSE, passwordHash, hash)
}
