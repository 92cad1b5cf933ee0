import type * as NodeCrypto from 'node:crypto'

/**
 * The runtime's `node:crypto` where it offers one through `process.getBuiltinModule`
 * (Node ≥ 20.16, Bun, Deno), else `undefined`. Web Crypto's `digest()` and `sign()` are
 * asynchronous: on Node each call crosses to the thread pool and back, tens of µs on the
 * per-request path. The same algorithms through Node's synchronous hashes give the same
 * bytes, and the core imports no `node:` module, so it still runs unchanged on Web-only
 * runtimes (which take the Web Crypto path).
 *
 * @example
 * ```ts
 * const digest = nodeCrypto?.hash('sha256', text, 'base64url')
 * ```
 */
export const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined
