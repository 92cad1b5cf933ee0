import { ConfigError } from '../errors.js'
import { JwtKeySet } from './jwt-key-set.js'

/**
 * Options of the `jwt` session format (`SessionManagerOptions.jwt`), as in
 * django-session-jwt: the session cookie is a compact JWS carrying the session credential
 * (`sid`), the user's configured `fields`, `sub` (the user id, once logged in), `iss`,
 * `aud`, `iat` and `exp`, with `typ` and `kid` in its header. Validated at construction.
 *
 * @example
 * ```ts
 * const manager = new SessionManager({
 *   store, secret,
 *   format: 'jwt',
 *   jwt: { keys, issuer: 'https://app.example', audience: 'https://app.example', fields: ['username', 'email'] },
 * })
 * ```
 */
export interface JwtSessionOptions {
  /** Signing and verification keys; the set's first key must be able to sign. */
  keys: JwtKeySet
  /** `iss` of every token, checked on every request. */
  issuer: string
  /** `aud` of every token; a token must name at least one of them. */
  audience: string | readonly string[]
  /**
   * Properties of the user object that `login()` (through `setJwtClaims()`) copies into
   * the session and every token, e.g. `['username', 'email']`. They are stored in the
   * session record (`jwtClaims`), so re-issuing a token needs no user lookup. Registered
   * claim names (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`, `sid`) are refused.
   * @default []
   */
  fields?: readonly string[]
  /**
   * Seconds a token is valid for federated services (`exp - iat`), never past the
   * session's idle or absolute expiry as of its issue. Short, because a copied token
   * keeps working at a federated service until `exp` even after logout.
   * @default 300
   */
  ttl?: number
  /**
   * The header `typ` (RFC 8725 §3.11 explicit typing), so a session JWT is never
   * mistaken for another kind of JWT signed by the same keys.
   * @default 'tessera-session+jwt'
   */
  typ?: string
  /**
   * Seconds after `exp` during which this app (never a federated service) still accepts
   * its own correctly signed token while the session behind it is alive, and answers
   * with a fresh one. `0` refuses expired tokens (users idle longer than `ttl` then
   * start anonymous).
   * @default idleTimeout (the server session decides when an idle user is logged out)
   */
  acceptExpired?: number
  /**
   * Seconds of clock difference tolerated for `iat` and `nbf` in the future and for
   * `exp`, between the instances that sign and verify.
   * @default 30
   */
  clockTolerance?: number
  /**
   * How many verified tokens are kept in memory (by SHA-256) so a repeat request skips
   * signature verification. The store is still asked on every request. `0` disables it.
   * Size it to the sessions one process serves within a token's `ttl`: a token pushed
   * out is verified again, one signature check per request when the sessions in flight
   * outnumber it.
   * @default 10000
   */
  cacheSize?: number
}

/** {@link JwtSessionOptions} with defaults applied; internal. */
export interface ResolvedJwtOptions {
  keys: JwtKeySet
  issuer: string
  audience: readonly string[]
  fields: readonly string[]
  ttl: number
  typ: string
  acceptExpired: number
  clockTolerance: number
  cacheSize: number
}

const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid'])

/**
 * Validates `format` and `jwt` of the manager options. Returns `null` for the opaque
 * format. `idleTimeout` is the manager's resolved idle timeout in seconds; `verifyOnly`
 * (for verifiers without a store) allows a key set that cannot sign.
 */
export function resolveJwtOptions(
  format: unknown,
  jwt: JwtSessionOptions | undefined,
  idleTimeout: number,
  { verifyOnly = false }: { verifyOnly?: boolean } = {},
): ResolvedJwtOptions | null {
  if (format === undefined || format === 'opaque') {
    if (jwt !== undefined) throw new ConfigError(`jwt options need format: 'jwt'`)
    return null
  }
  if (format !== 'jwt') throw new ConfigError(`format must be 'opaque' or 'jwt'`)
  if (!jwt || typeof jwt !== 'object') throw new ConfigError(`format 'jwt' needs the jwt options`)
  if (!(jwt.keys instanceof JwtKeySet)) {
    throw new ConfigError(
      'jwt.keys must be a JwtKeySet (await JwtKeySet.fromJson(...) or JwtKeySet.create(...))',
    )
  }
  if (!verifyOnly && !jwt.keys.canSign) {
    throw new ConfigError(
      'jwt.keys cannot sign: its first key is public (a verify-only key set works with createSessionJwtVerifier(), not with a SessionManager)',
    )
  }
  if (typeof jwt.issuer !== 'string' || jwt.issuer.length === 0) {
    throw new ConfigError('jwt.issuer must be a non-empty string')
  }
  const audience = typeof jwt.audience === 'string' ? [jwt.audience] : jwt.audience
  if (
    !Array.isArray(audience) ||
    audience.length === 0 ||
    !audience.every((a) => typeof a === 'string' && a.length > 0)
  ) {
    throw new ConfigError('jwt.audience must be a non-empty string or a non-empty array of them')
  }
  const fields = jwt.fields ?? []
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string' && f.length > 0)) {
    throw new ConfigError('jwt.fields must be an array of non-empty property names')
  }
  for (const f of fields) {
    if (REGISTERED.has(f))
      throw new ConfigError(`jwt.fields must not name the registered claim "${f}"`)
    // Copied with obj[field] = value: "__proto__" would set a prototype, not a claim.
    if (f === '__proto__') throw new ConfigError('jwt.fields must not name "__proto__"')
  }
  if (new Set(fields).size !== fields.length)
    throw new ConfigError('jwt.fields must not repeat a name')
  const typ = jwt.typ ?? 'tessera-session+jwt'
  // A media type without parameters (RFC 6838 restricted-name, with the +suffix).
  if (
    typeof typ !== 'string' ||
    !/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})?$/.test(typ)
  ) {
    throw new ConfigError(`jwt.typ must be a media type such as 'tessera-session+jwt'`)
  }
  return {
    keys: jwt.keys,
    issuer: jwt.issuer,
    audience: [...audience],
    fields: [...fields],
    ttl: seconds('jwt.ttl', jwt.ttl, 300, 1),
    typ,
    acceptExpired: seconds('jwt.acceptExpired', jwt.acceptExpired, idleTimeout, 0),
    clockTolerance: seconds('jwt.clockTolerance', jwt.clockTolerance, 30, 0),
    cacheSize: seconds('jwt.cacheSize', jwt.cacheSize, 10_000, 0),
  }
}

function seconds(name: string, value: unknown, fallback: number, min: 0 | 1): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const rule = min === 1 ? 'a positive whole number' : 'a whole number ≥ 0'
    throw new ConfigError(`${name} must be ${rule}, got ${String(value)}`)
  }
  return value
}
