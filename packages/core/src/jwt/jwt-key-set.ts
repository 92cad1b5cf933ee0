import { ConfigError } from '../errors.js'
import type { JwtAlgorithm } from './jwt-algorithm.js'
import { importJwtKey, type JwtKeyEntry, type PublicJwk } from './lib/import-jwt-key.js'

/**
 * One key given to {@link JwtKeySet.create}.
 *
 * @example
 * ```ts
 * const input: JwtKeyInput = { key: readFileSync('jwt-private.pem', 'utf8') } // alg from the key
 * ```
 */
export interface JwtKeyInput {
  /**
   * The key: a PEM string (PKCS#8 `PRIVATE KEY` to sign, SPKI `PUBLIC KEY` to verify
   * only; leading/trailing whitespace is fine), a JWK as an object or a JSON string
   * (private with `d`, or public), or a shared secret string of ≥ 32 bytes for `HS256`.
   * Core never reads files: read the PEM or JSON yourself (`node:fs`) and pass the text.
   */
  key: string | Record<string, unknown>
  /**
   * Required for secrets (`HS256`). For a PEM, taken from the key when absent, as
   * django-session-jwt reads a key file (Ed25519 → EdDSA, EC P-256 → ES256,
   * RSA → RS256; give `PS256` to sign RSA-PSS). For a JWK, taken from its `alg`.
   */
  alg?: JwtAlgorithm
  /** @default the RFC 7638 JWK thumbprint (SHA-256) of the key's public part (of the oct JWK for HS256) */
  kid?: string
  /** Seconds since the epoch when this key stopped signing (not allowed on the first key). */
  retiredAt?: number
}

/**
 * Options of {@link JwtKeySet.create} and {@link JwtKeySet.fromJson}.
 *
 * @example
 * ```ts
 * const keys = await JwtKeySet.fromJson(file, { grace: 3600 } satisfies JwtKeySetOptions)
 * ```
 */
export interface JwtKeySetOptions {
  /**
   * Seconds a retired key keeps verifying after its `retiredAt`. Tokens it signed live
   * `ttl` seconds at federated services, so keep it at least the session JWT's `ttl`;
   * the app itself re-issues an old-key token with the current key on the next request.
   * @default 86400 (a day)
   */
  grace?: number
}

/**
 * A JSON Web Key Set (RFC 7517 §5) of public keys, as `/.well-known/jwks.json` serves it.
 *
 * @example
 * ```ts
 * const set: JsonWebKeySet = manager.jwks() // { keys: [{ kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' }] }
 * ```
 */
export interface JsonWebKeySet {
  keys: PublicJwk[]
}

const entriesOf = new WeakMap<JwtKeySet, readonly JwtKeyEntry[]>()
const graceOf = new WeakMap<JwtKeySet, number>()
// Whole seconds until the next key of a JWKS that `jwks()` made leaves it (the end of a
// retired key's grace period), for `jwksResponse` to cap its max-age with.
const secondsLeftOf = new WeakMap<JsonWebKeySet, number>()

/**
 * The keys that sign and verify session JWTs, with rotation: the first key is the
 * current one and signs every new token; the others only verify — a key with
 * `retiredAt` until `retiredAt + grace`, one without it for as long as it is configured.
 * Every key is bound to one algorithm and one `kid`; a token is verified only by the key
 * its `kid` names, with that key's algorithm. Keys come only from configuration: token
 * headers (`jwk`, `jku`, `x5u`, `x5c`) are never used.
 *
 * A set whose first key is public is *verify-only* (django-session-jwt's hybrid: some
 * services hold only the public key): it verifies with `createSessionJwtVerifier()` and
 * publishes a JWKS, but a `SessionManager` refuses it because it cannot issue cookies.
 *
 * Build it with one of the async factories (importing keys is asynchronous in Web Crypto):
 * {@link JwtKeySet.fromJson} for the key-set file that `tessera keys generate|rotate`
 * writes, {@link JwtKeySet.create} for keys from the environment.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * // The file is { "keys": [JWK, ...] }, newest (signing) key first.
 * const keys = await JwtKeySet.fromJson(JSON.parse(readFileSync('data/jwt-keys.json', 'utf8')))
 * const hs = await JwtKeySet.create([{ key: process.env.JWT_SECRET!, alg: 'HS256' }])
 * ```
 */
export class JwtKeySet {
  /** `kid` of the current (first) key. */
  readonly currentKid: string
  /** Algorithm of the current key. */
  readonly currentAlg: JwtAlgorithm
  /** Whether the current key is private (or a secret), so the set can sign. */
  readonly canSign: boolean

  private constructor(entries: readonly JwtKeyEntry[], grace: number) {
    const first = entries[0] as JwtKeyEntry
    this.currentKid = first.kid
    this.currentAlg = first.alg
    this.canSign = first.signKey !== null
    entriesOf.set(this, entries)
    graceOf.set(this, grace)
  }

  /**
   * Builds a key set from keys given one by one, the current (signing) key first.
   * Throws {@link ConfigError} for a key that cannot be used, naming `keys[i]` and the
   * rule, never the key.
   *
   * @example
   * ```ts
   * const keys = await JwtKeySet.create([
   *   { key: process.env.JWT_PRIVATE_KEY_PEM!, alg: 'EdDSA' },
   *   { key: process.env.JWT_OLD_PUBLIC_KEY_PEM!, alg: 'EdDSA', retiredAt: 1767225600 },
   * ], { grace: 3600 })
   * ```
   */
  static async create(
    keys: readonly JwtKeyInput[],
    options: JwtKeySetOptions = {},
  ): Promise<JwtKeySet> {
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new ConfigError('keys must be a non-empty array, the current signing key first')
    }
    const grace = options?.grace ?? 86_400
    if (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0) {
      throw new ConfigError(`grace must be a whole number of seconds ≥ 0, got ${String(grace)}`)
    }
    const entries: JwtKeyEntry[] = []
    for (const [i, input] of keys.entries()) {
      const entry = await importJwtKey(input, `keys[${i}]`)
      if (entries.some((e) => e.kid === entry.kid)) {
        throw new ConfigError(`keys[${i}].kid is already used by another key`)
      }
      entries.push(entry)
    }
    const first = entries[0] as JwtKeyEntry
    if (first.retiredAt !== null) {
      throw new ConfigError('keys[0] is the current signing key and cannot carry retiredAt')
    }
    return new JwtKeySet(entries, grace)
  }

  /**
   * Builds a key set from the parsed key-set file: `{ "keys": [JWK, ...] }`, each a
   * private JWK (or a public one, on verify-only services) with `kid`, `alg` and
   * `use: "sig"`; the first is the current signing key; an older key may carry
   * `"retiredAt"` (seconds since the epoch when it stopped signing). Reading the file is
   * the caller's job (`JSON.parse(readFileSync(path, 'utf8'))`): the core has no file
   * system access.
   *
   * @example
   * ```ts
   * const keys = await JwtKeySet.fromJson(JSON.parse(await readFile(`${DATA_DIR}/jwt-keys.json`, 'utf8')))
   * ```
   */
  static async fromJson(value: unknown, options: JwtKeySetOptions = {}): Promise<JwtKeySet> {
    const keys = (value as { keys?: unknown } | null)?.keys
    if (!value || typeof value !== 'object' || !Array.isArray(keys) || keys.length === 0) {
      throw new ConfigError(
        'A JWT key set must be a JSON object { "keys": [JWK, ...] } with at least one key',
      )
    }
    const inputs = keys.map((jwk: unknown, i): JwtKeyInput => {
      if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) {
        throw new ConfigError(`keys[${i}] must be a JWK object`)
      }
      const { retiredAt, ...rest } = jwk as Record<string, unknown>
      if (typeof rest.kid !== 'string') throw new ConfigError(`keys[${i}] needs a "kid"`)
      if (typeof rest.alg !== 'string') throw new ConfigError(`keys[${i}] needs an "alg"`)
      if (rest.use !== 'sig') throw new ConfigError(`keys[${i}] needs "use": "sig"`)
      return { key: rest, ...(retiredAt === undefined ? {} : { retiredAt: retiredAt as number }) }
    })
    return JwtKeySet.create(inputs, options)
  }

  /**
   * The public keys that verify tokens at `now` — the current key and every key still
   * within its grace period — as a JWKS. Never contains private members (`d`, RSA
   * primes) nor HS256 secrets: an HS256-only set publishes `{ "keys": [] }` (its
   * verifiers need the shared secret, which must not be published).
   *
   * @param now Milliseconds since the epoch. @default Date.now()
   * @example
   * ```ts
   * new Response(JSON.stringify(keys.jwks()), { headers: { 'content-type': 'application/json' } })
   * ```
   */
  jwks(now: number = Date.now()): JsonWebKeySet {
    const keys: PublicJwk[] = []
    const grace = graceOf.get(this) ?? 0
    let endsAt = Number.POSITIVE_INFINITY
    for (const entry of entriesOf.get(this) ?? []) {
      if (entry.publicJwk && isLive(entry, grace, now)) {
        keys.push({ ...entry.publicJwk })
        if (entry.retiredAt !== null) endsAt = Math.min(endsAt, (entry.retiredAt + grace) * 1000)
      }
    }
    const set = { keys }
    if (endsAt !== Number.POSITIVE_INFINITY)
      secondsLeftOf.set(set, Math.max(0, Math.floor((endsAt - now) / 1000)))
    return set
  }
}

/**
 * Whole seconds until a key of `set` (a JWKS made by {@link JwtKeySet.jwks}) reaches the
 * end of its grace period, or `undefined` when none will: a cache must not keep the set
 * longer (internal to the core).
 */
export function jwksSecondsLeft(set: JsonWebKeySet): number | undefined {
  return secondsLeftOf.get(set)
}

/** The current key, to sign with (internal to the core). */
export function signingKeyOf(set: JwtKeySet): JwtKeyEntry {
  return (entriesOf.get(set) as readonly JwtKeyEntry[])[0] as JwtKeyEntry
}

/**
 * The key that may verify a token whose header names `kid` and `alg` at `now` (ms), or
 * `null`: unknown or non-string `kid`, an `alg` other than that key's, or a key past its
 * grace period (internal to the core).
 */
export function verificationKeyOf(
  set: JwtKeySet,
  kid: unknown,
  alg: unknown,
  now: number,
): JwtKeyEntry | null {
  if (typeof kid !== 'string' || typeof alg !== 'string') return null
  for (const entry of entriesOf.get(set) ?? []) {
    if (entry.kid === kid)
      return entry.alg === alg && isLive(entry, graceOf.get(set) ?? 0, now) ? entry : null
  }
  return null
}

function isLive(entry: JwtKeyEntry, grace: number, now: number): boolean {
  return entry.retiredAt === null || now < (entry.retiredAt + grace) * 1000
}
