import { MAX_COOKIE_SIZE } from '../cookie/index.js'
import { CookieError } from '../errors.js'
import { base64url } from '../lib/base64url.js'
import { base64urlDecode } from '../lib/base64url-decode.js'
import { LruCache } from '../lib/lru-cache.js'
import { sha256, sha256Now } from '../lib/sha256.js'
import type { JsonValue, SessionRecord } from '../store/session-record.js'
import type { LEGACY_KEYS } from '../store/upgrade-record.js'
import { signingKeyOf, verificationKeyOf } from './jwt-key-set.js'
import type { ResolvedJwtOptions } from './jwt-session-options.js'
import type { JwtKeyEntry } from './lib/import-jwt-key.js'
import { subtleParams } from './lib/subtle-params.js'

/**
 * The reserved session key where earlier versions kept the JWT claims of the user's
 * configured `fields` inside the session data. The claims are now a field of the
 * session record (`jwtClaims`, set by `setJwtClaims()`, which `login()` calls), which
 * `session.keys()` never shows and `session.clear()` keeps; records that still have
 * this key load with it moved there, and `session.set()` refuses the key.
 *
 * @example
 * ```ts
 * await session.has(JWT_SESSION_KEY) // always false: the claims are not session data
 * ```
 */
export const JWT_SESSION_KEY = '_jwt' satisfies keyof typeof LEGACY_KEYS

/** What a verified session JWT says (the claims are a private copy). */
export interface VerifiedSessionJwt {
  /** The session credential (`<id>.<secret>`) from the `sid` claim. */
  credential: string
  /** Every claim of the payload (shared with the cache: copy before handing it out). */
  claims: Readonly<Record<string, JsonValue>>
  /** The app should answer with a fresh token: expired, in the second half of its life, or signed by a non-current key. */
  reissue: boolean
}

interface Verified {
  claims: Record<string, JsonValue>
  kid: string
  alg: string
  exp: number
  iat: number
  nbf: number | undefined
}

// A compact JWS longer than any cookie can be is refused before any parsing.
const MAX_TOKEN_LENGTH = MAX_COOKIE_SIZE
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Encodes and decodes session JWTs for one manager: signs with the key set's current key;
 * verifies header (`kid`/`alg` against configured keys only, no `crit`, no `b64`),
 * signature, then claims (`typ`, `iss`, `aud`, `exp`, `nbf`, `iat`, `sid`), in that order.
 * Verified tokens are cached by SHA-256; time and key-retirement checks run on every hit.
 * Untrusted input never throws: anything wrong is `null`. Internal to the core.
 */
export class SessionJwtCodec {
  readonly #o: ResolvedJwtOptions
  readonly #cookieName: string
  readonly #cache: LruCache<string, Verified>

  constructor(options: ResolvedJwtOptions, cookieName: string) {
    this.#o = options
    this.#cookieName = cookieName
    this.#cache = new LruCache(options.cacheSize)
  }

  /** The configured user fields. */
  get fields(): readonly string[] {
    return this.#o.fields
  }

  /**
   * Signs a token for `credential` carrying the record's stored claims, valid for `ttl`
   * but never past the session's own expiry when the record has one (a store-less
   * verifier cannot see that the session timed out). Throws {@link CookieError}
   * `COOKIE_TOO_LARGE`, naming the fields, when the cookie would not fit.
   */
  async issue(
    credential: string,
    record: Pick<SessionRecord, 'jwtClaims' | 'userId'> &
      Partial<Pick<SessionRecord, 'idleExpiresAt' | 'absoluteExpiresAt'>>,
    now: number,
  ): Promise<string> {
    const o = this.#o
    const iat = Math.floor(now / 1000)
    let exp = iat + o.ttl
    if (record.idleExpiresAt !== undefined && record.absoluteExpiresAt !== undefined) {
      const ends = Math.floor(Math.min(record.idleExpiresAt, record.absoluteExpiresAt) / 1000)
      exp = Math.max(iat, Math.min(exp, ends))
    }
    const stored = record.jwtClaims
    const payload: Record<string, JsonValue> = {
      iss: o.issuer,
      aud: o.audience.length === 1 ? (o.audience[0] as string) : [...o.audience],
      iat,
      exp,
      sid: credential,
    }
    if (record.userId !== null) payload.sub = record.userId
    if (stored !== undefined) {
      // Only configured fields: a field removed from the configuration leaves tokens at once.
      for (const f of o.fields) if (Object.hasOwn(stored, f)) payload[f] = stored[f] as JsonValue
    }
    const key = signingKeyOf(o.keys)
    // RFC 7515 §7.1 compact serialization, signed by Web Crypto.
    const header = base64url(
      encoder.encode(JSON.stringify({ alg: key.alg, kid: key.kid, typ: o.typ })),
    )
    const input = `${header}.${base64url(encoder.encode(JSON.stringify(payload)))}`
    const signature = await crypto.subtle.sign(
      subtleParams(key.alg),
      key.signKey as CryptoKey,
      encoder.encode(input),
    )
    const token = `${input}.${base64url(new Uint8Array(signature))}`
    const size = this.#cookieName.length + token.length
    if (size > MAX_COOKIE_SIZE) throw this.#tooLarge(size, payload)
    return token
  }

  /**
   * Verifies `token` at `now` (ms). `acceptExpired` is how many seconds past `exp` are
   * still accepted (the app's own window; `0` for federated verification). A token found
   * in the verified-token cache is answered synchronously where the runtime hashes
   * synchronously (Node): most requests carry the token they carried before.
   */
  read(
    token: string,
    now: number,
    acceptExpired: number,
  ): VerifiedSessionJwt | null | Promise<VerifiedSessionJwt | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH)
      return null
    if (sha256Now === undefined) return this.#readAsync(token, now, acceptExpired)
    return this.#lookUp(sha256Now(token), token, now, acceptExpired)
  }

  async #readAsync(
    token: string,
    now: number,
    acceptExpired: number,
  ): Promise<VerifiedSessionJwt | null> {
    return this.#lookUp(await sha256(token), token, now, acceptExpired)
  }

  /** The cached verification of the token hashed `hash`, else a fresh one (a promise). */
  #lookUp(
    hash: string,
    token: string,
    now: number,
    acceptExpired: number,
  ): VerifiedSessionJwt | null | Promise<VerifiedSessionJwt | null> {
    const cached = this.#cache.get(hash)
    return cached
      ? this.#accept(cached, now, acceptExpired)
      : this.#verifyInto(hash, token, now, acceptExpired)
  }

  /** Verifies a token the cache does not hold and caches it under `hash`. */
  async #verifyInto(
    hash: string,
    token: string,
    now: number,
    acceptExpired: number,
  ): Promise<VerifiedSessionJwt | null> {
    const verified = await this.#verify(token, now)
    if (!verified) return null
    this.#cache.set(hash, verified)
    return this.#accept(verified, now, acceptExpired)
  }

  /**
   * The header, then the signature, then the claims. Every segment must be canonical
   * unpadded base64url, so one token has one spelling: jose's decoder also reads
   * padding, whitespace and unused trailing bits, which let one token be sent under
   * endless spellings, each verified and cached on its own. (ES256 keeps two: ECDSA's
   * `s` and `n − s` both verify, as they do in jose. Two copies cannot fill the cache.)
   */
  async #verify(token: string, now: number): Promise<Verified | null> {
    const o = this.#o
    const parts = token.split('.')
    if (parts.length !== 3) return null
    const [head, body, tail] = parts as [string, string, string]
    const header = jsonObject(base64urlDecode(head))
    if (!header) return null
    // RFC 7515 §4.1.11: an unknown critical extension must be refused; `b64: false`
    // (RFC 7797) changes what the signature covers. Session JWTs use neither.
    if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) return null
    // The key comes from configuration only, chosen by kid and bound to one alg:
    // `jwk`, `jku`, `x5u`, `x5c` headers are never read (RFC 8725 §3.10).
    const entry = verificationKeyOf(o.keys, header.kid, header.alg, now)
    if (!entry) return null
    const payload = base64urlDecode(body)
    const signature = base64urlDecode(tail)
    if (!payload || !signature) return null
    // RFC 7515 §5.2: the signing input is the ASCII of the two segments as received.
    let valid: boolean
    try {
      const input = encoder.encode(`${head}.${body}`)
      valid = await crypto.subtle.verify(subtleParams(entry.alg), entry.verifyKey, signature, input)
    } catch {
      return null
    }
    return valid ? this.#claims(header, payload, entry) : null
  }

  // Claims only after the signature (RFC 8725 §3.9 order: nothing unsigned is trusted).
  #claims(
    header: Record<string, unknown>,
    payload: Uint8Array,
    entry: JwtKeyEntry,
  ): Verified | null {
    const o = this.#o
    if (!typeMatches(header.typ, o.typ)) return null
    const c = jsonObject(payload) as Record<string, JsonValue> | null
    if (!c) return null
    if (c.iss !== o.issuer) return null
    if (!audienceMatches(c.aud, o.audience)) return null
    if (typeof c.sid !== 'string') return null
    if (c.sub !== undefined && typeof c.sub !== 'string') return null
    const { exp, iat, nbf } = c
    if (!isNumericDate(exp) || !isNumericDate(iat)) return null
    if (nbf !== undefined && !isNumericDate(nbf)) return null
    return { claims: c, kid: entry.kid, alg: entry.alg, exp, iat, nbf }
  }

  #accept(v: Verified, now: number, acceptExpired: number): VerifiedSessionJwt | null {
    const o = this.#o
    // A cached token's key may have passed its grace period since it was verified.
    if (!verificationKeyOf(o.keys, v.kid, v.alg, now)) return null
    const nowS = now / 1000
    const tolerance = o.clockTolerance
    if (v.iat > nowS + tolerance) return null
    if (v.nbf !== undefined && v.nbf > nowS + tolerance) return null
    if (nowS >= v.exp + tolerance + acceptExpired) return null
    // Past half its own life: a token cut short by its session's expiry has a shorter one.
    const reissue =
      nowS >= v.exp || v.exp - nowS < (v.exp - v.iat) / 2 || v.kid !== o.keys.currentKid
    return { credential: v.claims.sid as string, claims: v.claims, reissue }
  }

  #tooLarge(size: number, payload: Record<string, JsonValue>): CookieError {
    const parts = this.#o.fields
      .filter((f) => Object.hasOwn(payload, f))
      .map((f) => `${f} ${encoder.encode(JSON.stringify(payload[f])).length} B`)
    const list = parts.length > 0 ? parts.join(', ') : 'none'
    // Names and sizes of the fields only: the values and the token stay out of the message.
    return new CookieError(
      'COOKIE_TOO_LARGE',
      `Session JWT cookie "${this.#cookieName}" would take ${size} bytes; browsers ignore cookies over ${MAX_COOKIE_SIZE} bytes. JWT fields (JSON size): ${list}. Keep large values in the session, not in jwt.fields`,
    )
  }
}

/** The JSON object that `bytes` spell in UTF-8, else `null` (arrays and scalars too). */
function jsonObject(bytes: Uint8Array | null): Record<string, unknown> | null {
  if (!bytes) return null
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes))
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

// RFC 7519 §2 NumericDate: a JSON number of seconds. Strings ("9999999999") are refused.
function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

// RFC 7515 §4.1.9: media type names are case-insensitive and "application/" may be omitted.
function typeMatches(value: unknown, typ: string): boolean {
  if (typeof value !== 'string') return false
  const a = value.toLowerCase()
  const b = typ.toLowerCase()
  return a === b || a === `application/${b}` || `application/${a}` === b
}

function audienceMatches(aud: unknown, audience: readonly string[]): boolean {
  if (typeof aud === 'string') return audience.includes(aud)
  return Array.isArray(aud) && aud.some((a) => typeof a === 'string' && audience.includes(a))
}
