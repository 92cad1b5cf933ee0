import type * as NodeCrypto from 'node:crypto'
import { base64url } from './base64url.js'

const encoder = new TextEncoder()

// Web Crypto's digest() is asynchronous: on Node each call crosses to the thread pool
// and back, which measured ~40 µs per request on the session hot path. Where the
// runtime offers Node's synchronous hash (Node ≥ 20.16, Bun, Deno) through
// process.getBuiltinModule, use it: same algorithm, same bytes, no import of `node:`
// modules, so the core still runs unchanged on Web-only runtimes.
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined

/** SHA-256 of a UTF-8 string, as unpadded base64url, with Web Crypto only. */
export async function sha256WebCrypto(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text))
  return base64url(new Uint8Array(digest))
}

/** SHA-256 of a UTF-8 string, as unpadded base64url. */
export const sha256: (text: string) => Promise<string> =
  // One-shot crypto.hash (Node ≥ 20.12) skips the Hash object createHash builds:
  // ~0.2 µs instead of ~0.6 µs for a credential secret.
  typeof nodeCrypto?.hash === 'function'
    ? (text) => Promise.resolve(nodeCrypto.hash('sha256', text, 'base64url'))
    : typeof nodeCrypto?.createHash === 'function'
      ? (text) =>
          Promise.resolve(nodeCrypto.createHash('sha256').update(text, 'utf8').digest('base64url'))
      : sha256WebCrypto
