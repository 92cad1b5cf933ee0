import { ArgumentError } from '../errors.js'
import { base64url } from '../lib/base64url.js'
import { base64urlDecode } from '../lib/base64url-decode.js'
import type { TransferRejection } from '../session/session-events.js'
import { pairId, type ResolvedSharedSessionOptions } from './shared-session-options.js'

/** What one transfer payload carries, sealed with AES-256-GCM into the URL. */
export interface TransferPayload {
  /** The one-time transfer code (`<session id>.<secret>`), never a session credential. */
  code: string
  /** Milliseconds since the epoch when it was minted. */
  issuedAt: number
  /** Origin that minted it and origin it is for. */
  source: string
  destination: string
  /** Random, 128 bits: no two payloads are alike even for the same code. */
  nonce: string
  /** Which endpoint may redeem it: the `<script>` one or the top-level redirect one. */
  via: 'script' | 'redirect'
  /** Hash of what ties it to one browser (the redirect's nonce cookie, or the User-Agent). */
  binding: string
}

const VERSION = 1
const IV_BYTES = 12
const TAG_BYTES = 16
/** Longest payload text accepted, before any decoding: far above a real one (~400). */
const MAX_TEXT = 2048
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
// Binds ciphertexts to this use and format, so a GCM ciphertext made by the same key for
// something else never opens here.
const AAD = encoder.encode('tessera.shared-session.v1')

/**
 * Seals and opens {@link TransferPayload}s: AES-256-GCM through Web Crypto, with the AES
 * key derived by HKDF-SHA256 from the configured transfer key of the pair of sites. It
 * seals with the pair's current key and opens with the current or any previous key, so
 * keys rotate without breaking transfers in flight. Opening never throws: anything
 * tampered, truncated, of another key, or not for this destination is a rejection.
 *
 * Text form: base64url(version byte ‖ 96-bit random IV ‖ ciphertext ‖ 128-bit tag).
 *
 * @example
 * ```ts
 * const cipher = new TransferCipher(resolveSharedSessionOptions(options))
 * const text = await cipher.seal(payload)
 * const opened = await cipher.open(text, 'https://www.example.org') // payload or a rejection reason
 * ```
 */
export class TransferCipher {
  readonly #o: ResolvedSharedSessionOptions
  readonly #aesKeys = new Map<string, Promise<CryptoKey>>()

  constructor(options: ResolvedSharedSessionOptions) {
    this.#o = options
  }

  /** Encrypts `payload` under the current key of its source–destination pair. */
  async seal(payload: TransferPayload): Promise<string> {
    const keys = this.#o.pairKeys.get(pairId(payload.source, payload.destination))
    if (!keys)
      throw new ArgumentError('TransferCipher.seal: the two sites are not a configured pair')
    const iv = Uint8Array.from(this.#o.random(IV_BYTES))
    const plain = encoder.encode(
      JSON.stringify([
        payload.code,
        payload.issuedAt,
        payload.source,
        payload.destination,
        payload.nonce,
        payload.via,
        payload.binding,
      ]),
    )
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: AAD },
        await this.#aesKey(keys[0] as string),
        plain,
      ),
    )
    const out = new Uint8Array(1 + IV_BYTES + sealed.length)
    out[0] = VERSION
    out.set(iv, 1)
    out.set(sealed, 1 + IV_BYTES)
    return base64url(out)
  }

  /**
   * Decrypts `text` received at `destination`. Returns the payload only when it
   * authenticates under a key of a pair `{source, destination}` and names exactly that
   * source and this destination; freshness and single use are the caller's checks.
   */
  async open(text: string, destination: string): Promise<TransferPayload | TransferRejection> {
    if (typeof text !== 'string' || text.length > MAX_TEXT) return 'malformed'
    const bytes = base64urlDecode(text)
    if (!bytes || bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION)
      return 'malformed'
    const iv = bytes.subarray(1, 1 + IV_BYTES)
    const sealed = bytes.subarray(1 + IV_BYTES)
    // Every key this destination shares with a configured site, each with the sources it
    // is valid for (one shared key serves every pair).
    const candidates = new Map<string, Set<string>>()
    for (const source of this.#o.sites) {
      if (source === destination) continue
      for (const key of this.#o.pairKeys.get(pairId(source, destination)) ?? []) {
        const set = candidates.get(key) ?? new Set()
        set.add(source)
        candidates.set(key, set)
      }
    }
    for (const [key, sources] of candidates) {
      let plain: ArrayBuffer
      try {
        plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv, additionalData: AAD },
          await this.#aesKey(key),
          sealed,
        )
      } catch {
        continue // another key, or tampered: GCM's tag says which only by failing
      }
      const payload = parse(plain)
      if (!payload) return 'malformed'
      if (payload.destination !== destination) return 'destination'
      // The key that opened it must be one this pair of sites shares.
      if (!sources.has(payload.source)) return 'source'
      return payload
    }
    return 'undecryptable'
  }

  #aesKey(secret: string): Promise<CryptoKey> {
    let key = this.#aesKeys.get(secret)
    if (!key) {
      key = crypto.subtle
        .importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
        .then((ikm) =>
          crypto.subtle.deriveKey(
            {
              name: 'HKDF',
              hash: 'SHA-256',
              salt: encoder.encode('tessera.shared-session'),
              info: encoder.encode('transfer payload aes-256-gcm v1'),
            },
            ikm,
            { name: 'AES-GCM', length: 256 },
            false,
            ['encrypt', 'decrypt'],
          ),
        )
      this.#aesKeys.set(secret, key)
    }
    return key
  }
}

/** The authenticated plaintext back into a payload; `null` if it is not one (a bug or a forgery with a leaked key). */
function parse(plain: ArrayBuffer): TransferPayload | null {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(plain))
  } catch {
    return null
  }
  if (!Array.isArray(value) || value.length !== 7) return null
  const [code, issuedAt, source, destination, nonce, via, binding] = value as unknown[]
  if (
    typeof code !== 'string' ||
    typeof issuedAt !== 'number' ||
    !Number.isSafeInteger(issuedAt) ||
    typeof source !== 'string' ||
    typeof destination !== 'string' ||
    typeof nonce !== 'string' ||
    (via !== 'script' && via !== 'redirect') ||
    typeof binding !== 'string'
  ) {
    return null
  }
  return { code, issuedAt, source, destination, nonce, via, binding }
}
