const encoder = new TextEncoder()

/**
 * HMAC-SHA256 of `text` (UTF-8) under `secret` (UTF-8 key bytes), computed with Web Crypto
 * alone: the reference a test holds Tessera's signatures against, or an attacker's
 * signer for forged tokens.
 *
 * @example
 * ```ts
 * const mac = Buffer.from(await webCryptoHmac(secret, `${purpose}\u0000${data}`)).toString('base64url')
 * ```
 */
export async function webCryptoHmac(secret: string, text: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)))
}
