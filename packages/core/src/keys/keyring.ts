import type * as NodeCrypto from 'node:crypto'
import { ConfigError } from '../errors.js'
import { base64url } from '../lib/base64url.js'
import { constantTimeEqual } from '../lib/constant-time-equal.js'
import { nodeCrypto } from '../lib/node-crypto.js'

const encoder = new TextEncoder()

/** Shortest secret accepted, in characters. 32 random characters carry well over 128 bits. */
export const MIN_SECRET_LENGTH = 32

/**
 * The application's signing secrets: one current secret plus fallbacks being rotated
 * out (Django's `SECRET_KEY` and `SECRET_KEY_FALLBACKS`). Everything is signed with the
 * current secret; verification also accepts the fallbacks, so rotating the secret logs
 * nobody out. Every signature is bound to a `purpose` so a MAC made for one use is
 * never accepted for another.
 *
 * @example
 * ```ts
 * const keys = new Keyring(process.env.SECRET!, [process.env.OLD_SECRET!])
 * const mac = await keys.sign('session-auth-hash', passwordHash)
 * await keys.verify('session-auth-hash', passwordHash, mac) // true
 * ```
 */
export class Keyring {
  readonly #secrets: readonly string[]
  /** Node's HMAC keys, one per secret, made once: `undefined` on Web-only runtimes. */
  readonly #nodeKeys: readonly NodeHmacKey[] | undefined
  readonly #keys = new Map<string, Promise<CryptoKey>>()

  constructor(secret: string, fallbacks: readonly string[] = []) {
    for (const [i, s] of [secret, ...fallbacks].entries()) {
      const name = i === 0 ? 'secret' : `fallbackSecrets[${i - 1}]`
      if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) {
        throw new ConfigError(
          `${name} must be a string of at least ${MIN_SECRET_LENGTH} characters`,
        )
      }
    }
    this.#secrets = [secret, ...fallbacks]
    this.#nodeKeys = nodeKeysOf(this.#secrets)
  }

  /** HMAC-SHA256 of `data` under the current secret, bound to `purpose`; base64url. */
  sign(purpose: string, data: string): Promise<string> {
    const text = macInput(purpose, data)
    const nodeKeys = this.#nodeKeys
    if (nodeKeys) return Promise.resolve(nodeMac(nodeKeys[0] as NodeHmacKey, text))
    return this.#webCryptoMac(this.#secrets[0] as string, text)
  }

  /** Whether `mac` was made by {@link sign} under the current secret or any fallback. */
  verify(purpose: string, data: string, mac: string): Promise<boolean> {
    const text = macInput(purpose, data)
    const nodeKeys = this.#nodeKeys
    if (!nodeKeys) return this.#verifyWebCrypto(text, mac)
    // Synchronous HMACs, one settled promise: the session auth hash is checked on
    // every request that asks for its user (getSessionUser).
    let ok = false
    // Every secret is tried even after a match, so timing does not reveal which one signed.
    for (const key of nodeKeys) if (constantTimeEqual(nodeMac(key, text), mac)) ok = true
    return Promise.resolve(ok)
  }

  async #verifyWebCrypto(text: string, mac: string): Promise<boolean> {
    let ok = false
    for (const secret of this.#secrets) {
      if (constantTimeEqual(await this.#webCryptoMac(secret, text), mac)) ok = true
    }
    return ok
  }

  async #webCryptoMac(secret: string, text: string): Promise<string> {
    const key = await this.#key(secret)
    return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text))))
  }

  #key(secret: string): Promise<CryptoKey> {
    let key = this.#keys.get(secret)
    if (!key) {
      key = crypto.subtle.importKey(
        'raw',
        encoder.encode(secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      )
      this.#keys.set(secret, key)
    }
    return key
  }
}

/** A secret as Node's `createHmac` takes it: a `KeyObject` where the runtime makes one. */
type NodeHmacKey = string | NodeCrypto.KeyObject

/** What is signed: the purpose and the data, NUL-separated. */
const macInput = (purpose: string, data: string): string => `${purpose}\u0000${data}`

/**
 * Node's HMAC keys for `secrets` where the runtime has Node's crypto (see nodeCrypto), else
 * `undefined`. A `KeyObject` is the secret's UTF-8 bytes, as Web Crypto's are: the same
 * MACs, without converting the secret again on every call.
 */
function nodeKeysOf(secrets: readonly string[]): readonly NodeHmacKey[] | undefined {
  if (!nodeCrypto) return undefined
  const node = nodeCrypto
  return secrets.map((s) =>
    typeof node.createSecretKey === 'function' ? node.createSecretKey(s, 'utf8') : s,
  )
}

function nodeMac(key: NodeHmacKey, text: string): string {
  return (nodeCrypto as typeof NodeCrypto)
    .createHmac('sha256', key)
    .update(text, 'utf8')
    .digest('base64url')
}
