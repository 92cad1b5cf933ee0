import { base64url } from './base64url.js'
import { nodeCrypto } from './node-crypto.js'

const encoder = new TextEncoder()
// A local binding, so the checks below narrow it inside the arrow functions.
const node = nodeCrypto

/** SHA-256 of a UTF-8 string, as unpadded base64url, with Web Crypto only. */
export async function sha256WebCrypto(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text))
  return base64url(new Uint8Array(digest))
}

/**
 * SHA-256 of a UTF-8 string, as unpadded base64url, computed synchronously: Node's
 * crypto where the runtime has it, else `undefined` (Web Crypto only digests
 * asynchronously; use {@link sha256} there).
 */
export const sha256Now: ((text: string) => string) | undefined =
  // One-shot crypto.hash (Node ≥ 20.12) skips the Hash object createHash builds:
  // ~0.2 µs instead of ~0.6 µs for a credential secret.
  typeof node?.hash === 'function'
    ? (text) => node.hash('sha256', text, 'base64url')
    : typeof node?.createHash === 'function'
      ? (text) => node.createHash('sha256').update(text, 'utf8').digest('base64url')
      : undefined

/** SHA-256 of a UTF-8 string, as unpadded base64url. */
export const sha256: (text: string) => Promise<string> =
  sha256Now === undefined ? sha256WebCrypto : (text) => Promise.resolve(sha256Now(text))
