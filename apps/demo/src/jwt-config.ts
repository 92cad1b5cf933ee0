import { resolve } from 'node:path'

/** How the demo's session cookie is made: a random credential, or a JWT carrying it. */
export type SessionFormat = 'opaque' | 'jwt'

/** The demo's JWT settings (used when `format` is `jwt`). */
export interface JwtDemoConfig {
  format: SessionFormat
  /** The key-set file (`{ "keys": [JWK, ...] }`). */
  keysFile: string
  /** Whether a missing `keysFile` may be generated (only the default location). */
  createKeys: boolean
  /**
   * `JWT_KEY_FILE`: one PEM private key, as django-session-jwt's `key` setting takes a
   * path; used instead of `keysFile` when set.
   */
  keyFile?: string
  /** `iss` of every JWT. */
  issuer: string
  /** `aud` of every JWT: the federated services' name. */
  audience: string
  /** Seconds a JWT is valid for federated services; unset: the library's default. */
  ttl?: number
  /** The service credential the introspection endpoint requires; unset: no endpoint. */
  introspectionSecret?: string
}

/** Shortest introspection secret accepted: it is a password for machines. */
const MIN_INTROSPECTION_SECRET = 32

/**
 * Reads `SESSION_FORMAT` (`opaque`, the default, or `jwt`), `JWT_KEYS_FILE` (default
 * `DATA_DIR/jwt-keys.json`, generated with one EdDSA key on first start) or instead
 * `JWT_KEY_FILE` (one PEM private key, as django-session-jwt takes it), `JWT_ISSUER`
 * (default `tessera-demo`), `JWT_AUDIENCE` (default `tessera-federated`), `JWT_TTL`
 * (seconds) and `INTROSPECTION_SECRET` (at least 32 characters; enables
 * `POST /api/introspect/`). Throws naming the setting when a value cannot work.
 *
 * @example
 * ```ts
 * const jwt = loadJwtConfig({ SESSION_FORMAT: 'jwt' }, '/var/lib/demo')
 * jwt.keysFile // '/var/lib/demo/jwt-keys.json'
 * ```
 */
export function loadJwtConfig(env: NodeJS.ProcessEnv, dataDir: string): JwtDemoConfig {
  const format = env.SESSION_FORMAT || 'opaque'
  if (format !== 'opaque' && format !== 'jwt') {
    throw new Error(`SESSION_FORMAT must be "opaque" or "jwt", got "${format}"`)
  }
  const ttl = env.JWT_TTL === undefined || env.JWT_TTL === '' ? undefined : Number(env.JWT_TTL)
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1)) {
    throw new Error(`JWT_TTL must be a whole number of seconds of at least 1, got "${env.JWT_TTL}"`)
  }
  const introspectionSecret = env.INTROSPECTION_SECRET || undefined
  if (introspectionSecret !== undefined && introspectionSecret.length < MIN_INTROSPECTION_SECRET) {
    throw new Error(`INTROSPECTION_SECRET must be at least ${MIN_INTROSPECTION_SECRET} characters`)
  }
  if (env.JWT_KEY_FILE && env.JWT_KEYS_FILE) {
    throw new Error(
      'JWT_KEY_FILE (one PEM key) and JWT_KEYS_FILE (a JWK set) are two ways to give the keys: set one',
    )
  }
  if (introspectionSecret !== undefined && format !== 'jwt') {
    throw new Error('INTROSPECTION_SECRET needs SESSION_FORMAT=jwt (it introspects session JWTs)')
  }
  return {
    format,
    keysFile: env.JWT_KEYS_FILE ? resolve(env.JWT_KEYS_FILE) : resolve(dataDir, 'jwt-keys.json'),
    createKeys: !env.JWT_KEYS_FILE,
    ...(env.JWT_KEY_FILE ? { keyFile: resolve(env.JWT_KEY_FILE) } : {}),
    issuer: env.JWT_ISSUER || 'tessera-demo',
    audience: env.JWT_AUDIENCE || 'tessera-federated',
    ...(ttl === undefined ? {} : { ttl }),
    ...(introspectionSecret === undefined ? {} : { introspectionSecret }),
  }
}
