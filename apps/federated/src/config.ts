import { DEFAULT_JWKS_MAX_AGE_MS } from './token-verifier.js'

/** The federated service's settings, read once from the environment at startup. */
export interface FederatedConfig {
  host: string
  port: number
  /** Where the demo publishes its public keys. */
  jwksUrl: URL
  /** Expected `iss` of every token. */
  issuer: string
  /** This service's audience: tokens must name it in `aud`. */
  audience: string
  /** Expected `typ` header of every token. */
  typ: string
  /** The only signature algorithms accepted: never `none`, never HS* (no shared secret here). */
  algorithms: string[]
  /** Cookie that carries the session JWT. */
  cookieName: string
  /** Milliseconds a fetched JWKS is used before it is fetched again (`JWKS_MAX_AGE_MS`). */
  jwksMaxAge: number
  /** The demo's RFC 7662-style introspection endpoint; when set, every token is also checked there. */
  introspectionUrl?: URL
  /** The service credential sent to the introspection endpoint as `Authorization: Bearer`. */
  introspectionSecret?: string
}

/** Asymmetric algorithms only: this service holds no secret, so HS* could only be forged. */
export const ASYMMETRIC_ALGORITHMS = ['EdDSA', 'ES256', 'RS256', 'PS256'] as const

/**
 * Reads `FEDERATED_HOST` (default `127.0.0.1`), `FEDERATED_PORT` (default `3001`),
 * `JWKS_URL` (default `http://127.0.0.1:3000/.well-known/jwks.json`), `JWT_ISSUER`,
 * `JWT_AUDIENCE`, `JWT_TYP`, `JWT_ALGORITHMS` (comma-separated, from EdDSA, ES256, RS256,
 * PS256), `SESSION_COOKIE_NAME` (default `sessionid`), `JWKS_MAX_AGE_MS` (how long a
 * fetched JWKS is used, so how long a key the app removed is still trusted; default
 * 60000), and for introspection mode
 * `INTROSPECTION_URL` with `INTROSPECTION_SECRET`. Throws with the exact setting on a bad
 * value, so a misconfigured service never starts.
 *
 * @example
 * ```ts
 * const config = loadFederatedConfig({ JWKS_URL: 'https://app.example/.well-known/jwks.json' })
 * config.port // 3001
 * ```
 */
export function loadFederatedConfig(env: NodeJS.ProcessEnv = process.env): FederatedConfig {
  const port =
    env.FEDERATED_PORT === undefined || env.FEDERATED_PORT === ''
      ? 3001
      : Number(env.FEDERATED_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `FEDERATED_PORT must be a whole number from 0 to 65535, got "${env.FEDERATED_PORT}"`,
    )
  }
  const jwksUrl = httpUrl('JWKS_URL', env.JWKS_URL || 'http://127.0.0.1:3000/.well-known/jwks.json')
  const algorithms = (env.JWT_ALGORITHMS || ASYMMETRIC_ALGORITHMS.join(','))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
  for (const alg of algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new Error(
        `JWT_ALGORITHMS may only name ${ASYMMETRIC_ALGORITHMS.join(', ')}; got "${alg}"`,
      )
    }
  }
  if (algorithms.length === 0) throw new Error('JWT_ALGORITHMS must name at least one algorithm')
  const introspection = env.INTROSPECTION_URL || undefined
  const secret = env.INTROSPECTION_SECRET || undefined
  if (introspection !== undefined && secret === undefined) {
    throw new Error('INTROSPECTION_URL needs INTROSPECTION_SECRET (the service credential)')
  }
  return {
    host: env.FEDERATED_HOST || '127.0.0.1',
    port,
    jwksUrl,
    issuer: env.JWT_ISSUER || DEFAULT_ISSUER,
    audience: env.JWT_AUDIENCE || DEFAULT_AUDIENCE,
    typ: env.JWT_TYP || DEFAULT_TYP,
    algorithms,
    cookieName: env.SESSION_COOKIE_NAME || 'sessionid',
    jwksMaxAge: jwksMaxAge(env.JWKS_MAX_AGE_MS),
    ...(introspection === undefined
      ? {}
      : {
          introspectionUrl: httpUrl('INTROSPECTION_URL', introspection),
          introspectionSecret: secret as string,
        }),
  }
}

/** The demo's default `iss` (`JWT_ISSUER` on both sides). */
export const DEFAULT_ISSUER = 'tessera-demo'
/** The demo's default `aud` (`JWT_AUDIENCE` on both sides). */
export const DEFAULT_AUDIENCE = 'tessera-federated'
/** The `typ` header Tessera puts on session JWTs. */
export const DEFAULT_TYP = 'tessera-session+jwt'

function jwksMaxAge(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_JWKS_MAX_AGE_MS
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `JWKS_MAX_AGE_MS must be a whole number of milliseconds of at least 1, got "${raw}"`,
    )
  }
  return value
}

function httpUrl(name: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`${name} must be an absolute http:// or https:// URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must be an absolute http:// or https:// URL`)
  }
  // fetch refuses a URL with credentials (every request would be a 503), and the startup
  // line prints the URL: refuse it here, without echoing it.
  if (url.username !== '' || url.password !== '') {
    throw new Error(
      `${name} must not carry a user name or password (user:password@); fetch refuses such a URL`,
    )
  }
  return url
}
