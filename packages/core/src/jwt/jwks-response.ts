import { ConfigError } from '../errors.js'
import { type JsonWebKeySet, jwksSecondsLeft } from './jwt-key-set.js'

/**
 * Anything that publishes a JWKS: a {@link JwtKeySet} or a `SessionManager`.
 *
 * @example
 * ```ts
 * const source: JwksSource = manager
 * ```
 */
export interface JwksSource {
  jwks(now?: number): JsonWebKeySet
}

/**
 * Options of {@link jwksResponse} and of the adapters' JWKS routes.
 *
 * @example
 * ```ts
 * app.use(session(manager, { jwks: { path: '/keys.json', maxAge: 60 } satisfies JwksOptions }))
 * ```
 */
export interface JwksOptions {
  /**
   * Path the adapters' routes answer on.
   * @default '/.well-known/jwks.json'
   */
  path?: string
  /**
   * `Cache-Control: public, max-age=<maxAge>`, or less while a retired key is within
   * seconds of the end of its grace period (no cache keeps it past that). Verifiers
   * refetch the set after this long, so a rotation reaches them within it: publish a new
   * key at least this long before it signs, or keep it short.
   * @default 300
   */
  maxAge?: number
}

/**
 * The default path of the JWKS route (RFC 8615 well-known URI).
 *
 * @example
 * ```ts
 * const jwksUrl = new URL(JWKS_PATH, 'https://app.example') // for createRemoteJWKSet
 * ```
 */
export const JWKS_PATH = '/.well-known/jwks.json'

/**
 * The JWKS document of `source` as a Web `Response`: `200`, `Content-Type:
 * application/json`, `Cache-Control: public, max-age=…`. Only public keys are in it
 * (never private members, never HS256 secrets). Framework-free: the Hono, Express,
 * Fastify and web adapters serve it at `/.well-known/jwks.json`.
 *
 * @example
 * ```ts
 * if (new URL(request.url).pathname === '/.well-known/jwks.json') return jwksResponse(manager)
 * ```
 */
export function jwksResponse(source: JwksSource, options: JwksOptions = {}): Response {
  const set = source.jwks()
  // A retired key leaves the set when its grace period ends: no cache may serve it later.
  const left = jwksSecondsLeft(set)
  const maxAge = Math.min(options.maxAge ?? 300, left ?? Number.POSITIVE_INFINITY)
  return new Response(JSON.stringify(set), {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'cache-control': `public, max-age=${maxAge}`,
      'x-content-type-options': 'nosniff',
    },
  })
}

/**
 * Checks the JWKS route options once, at setup, with exact messages (used by every
 * adapter). Returns the path and max-age to serve; throws {@link ConfigError}.
 *
 * @example
 * ```ts
 * const { path, maxAge } = resolveJwksOptions({ path: '/keys.json' }) // maxAge 300
 * ```
 */
export function resolveJwksOptions(options: JwksOptions = {}): Required<JwksOptions> {
  const path = options.path ?? JWKS_PATH
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new ConfigError('jwks: "path" must be a string starting with "/"')
  }
  const maxAge = options.maxAge ?? 300
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new ConfigError('jwks: "maxAge" must be a whole number of seconds ≥ 0')
  }
  return { path, maxAge }
}
