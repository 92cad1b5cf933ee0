import type { JsonValue } from '../store/session-record.js'
import type { Clock } from '../store/session-store.js'
import type { JwtKeySet } from './jwt-key-set.js'
import { type ResolvedJwtOptions, resolveJwtOptions } from './jwt-session-options.js'
import { SessionJwtCodec } from './session-jwt-codec.js'

/**
 * Options of {@link createSessionJwtVerifier}: the app's `issuer`, `audience` and `typ`.
 *
 * @example
 * ```ts
 * const options: SessionJwtVerifierOptions = { keys, issuer: 'https://app.example', audience: 'https://app.example' }
 * ```
 */
export interface SessionJwtVerifierOptions {
  /** Keys to verify with; a verify-only set (public keys) is enough. */
  keys: JwtKeySet
  issuer: string
  audience: string | readonly string[]
  /** @default 'tessera-session+jwt' */
  typ?: string
  /** @default 30 */
  clockTolerance?: number
  /** @default 10000 */
  cacheSize?: number
  /** @default Date.now */
  clock?: Clock
}

/**
 * The claims of a verified session JWT, without `sid` (the session credential).
 *
 * @example
 * ```ts
 * const claims: SessionJwtClaims | null = await verify(token)
 * if (claims) console.log(claims.sub, claims.email)
 * ```
 */
export type SessionJwtClaims = Record<string, JsonValue> & {
  iss: string
  aud: string | string[]
  iat: number
  exp: number
  sub?: string
}

/**
 * A verifier for session JWTs on a service that holds no session store — django-session-jwt's
 * federated services, and the hybrid where some services hold only the public key. It
 * checks exactly what the app checks (configured keys only, `alg` bound to `kid`, no
 * `crit`/`b64`, signature, then `typ`, `iss`, `aud`, `iat`, `nbf`) and refuses a token
 * from its `exp` on: unlike the app, it cannot know whether the session is still alive,
 * so it never accepts an expired token (beyond `clockTolerance`). A logged-out user's copied token therefore works
 * here until its `exp` (the `ttl`, 300 s by default). The returned claims omit `sid`,
 * the session credential, so they are safe to log; the token itself is not. An
 * anonymous session (a visitor's cart) has a valid token too, without `sub`: a service
 * that wants a logged-in user checks `claims.sub`, not only that the token verified.
 *
 * Returns a function that never throws for untrusted input: `null` for anything that
 * does not verify. The options are validated at once ({@link ConfigError}).
 *
 * @example
 * ```ts
 * const keys = await JwtKeySet.fromJson(JSON.parse(readFileSync('public-keys.json', 'utf8')))
 * const verify = createSessionJwtVerifier({ keys, issuer: 'https://app.example', audience: 'https://app.example' })
 * const claims = await verify(getCookie(request.headers.get('cookie'), 'sessionid'))
 * if (!claims?.sub) return new Response(null, { status: 401 }) // none, or anonymous
 * ```
 */
export function createSessionJwtVerifier(
  options: SessionJwtVerifierOptions,
): (token: string | null | undefined) => Promise<SessionJwtClaims | null> {
  const resolved = resolveJwtOptions('jwt', { ...options, acceptExpired: 0 }, 0, {
    verifyOnly: true,
  }) as ResolvedJwtOptions
  const codec = new SessionJwtCodec(resolved, '')
  const clock = options.clock ?? Date.now
  return async (token) => {
    if (typeof token !== 'string') return null
    const verified = await codec.read(token, clock(), 0)
    if (!verified) return null
    const { sid: _sid, ...claims } = structuredClone(verified.claims) as Record<string, JsonValue>
    return claims as SessionJwtClaims
  }
}
