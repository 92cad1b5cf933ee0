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
  }

  /** HMAC-SHA256 of `data` under the current secret, bound to `purpose`; base64url. */
  sign(purpose: string, data: string): Promise<string> {
    return this.#mac(this.#secrets[0] as string, purpose, data)
  }

  /** Whether `mac` was made by {@link sign} under the current secret or any fallback. */
  async verify(purpose: string, data: string, mac: string): Promise<boolean> {
    let ok = false
    // Every secret is tried even after a match, so timing does not reveal which one signed.
    for (const secret of this.#secrets) {
      if (constantTimeEqual(await this.#mac(secret, purpose, data), mac)) ok = true
    }
    return ok
  }

  #mac(secret: string, purpose: string, data: string): Promise<string> {
    const text = `${purpose}\u0000${data}`
    // Node's synchronous HMAC where the runtime has it (same bytes; see nodeCrypto).
    if (nodeCrypto) {
      return Promise.resolve(
        nodeCrypto.createHmac('sha256', secret).update(text, 'utf8').digest('base64url'),
      )
    }
    return this.#webCryptoMac(secret, text)
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
