import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigError, resolveAllowedHosts } from '@tessera/core'
import { DEMO_ADAPTERS, type DemoAdapter } from './adapter-server.js'
import { createFileOnce } from './create-file-once.js'
import { type JwtDemoConfig, loadJwtConfig } from './jwt-config.js'

/** The demo's settings, read once from the environment at startup. */
export interface DemoConfig {
  host: string
  port: number
  dataDir: string
  secret: string
  /** Exact origins (besides the app's own) allowed to send unsafe requests. */
  trustedOrigins: string[]
  /**
   * The hosts the demo answers for (Django's `ALLOWED_HOSTS`): `ALLOWED_HOSTS` or
   * {@link DEFAULT_ALLOWED_HOSTS}, plus the hosts of `SHARED_SITES`. Every other `Host`
   * gets `400` before the session, CSRF or any route runs.
   */
  allowedHosts: string[]
  /** Milliseconds after which a session store call fails with `STORE_TIMEOUT` (503). */
  storeTimeoutMs: number
  /** Milliseconds between two summary lines while the session store is down. */
  storeOutageLogIntervalMs: number
  /** Sessions (and login-throttle counters) in Redis when set. */
  redisUrl?: string
  /** Key prefix in Redis, for sessions and throttle counters alike. */
  redisPrefix: string
  /**
   * `RedisStore`'s `clientSideCache` (`REDIS_CLIENT_SIDE_CACHE`, off by default): sessions
   * this instance read are answered from memory until Redis says they changed.
   */
  redisClientSideCache: boolean
  /** Sessions (and login-throttle counters) in PostgreSQL when set. */
  databaseUrl?: string
  /** The PostgreSQL session table (`name` or `schema.name`). */
  sessionTable: string
  /** The PostgreSQL login-throttle table (`name` or `schema.name`). */
  rateLimitTable: string
  /** The PostgreSQL users table (`USERS_TABLE`), used when `databaseUrl` is set. */
  usersTable: string
  /** Which adapter serves the API (`/api/…`); the SPA is always served by Hono. */
  adapter: DemoAdapter
  /** Most sessions one user may have; a login beyond it ends their oldest (`MAX_SESSIONS_PER_USER`). */
  maxSessionsPerUser: number
  /** Seconds a login counts as recent for sensitive actions (`FRESH_AGE`). */
  freshAge: number
  /** JWT session cookies, keys and introspection (see `jwt-config.ts`). */
  jwt: JwtDemoConfig
  /**
   * Behind one TLS-terminating proxy you control (`TRUST_PROXY`): believe its
   * `X-Forwarded-Proto` and `X-Forwarded-For` — for the cookies' `Secure`, the origin and
   * `Referer` the CSRF check expects, the shared-session sites and the client address
   * recorded and throttled. Every adapter gets the one value.
   */
  trustProxy: boolean
  /**
   * `__Host-` cookie names, always `Secure` (`HOST_COOKIES`; on by default with
   * `TRUST_PROXY`): `__Host-sessionid`, `__Host-sessionid_csrf` and `__Host-csrftoken`.
   */
  hostCookies: boolean
  /** Origins allowed to frame `/embed/` (`FRAME_ANCESTORS`); none by default. */
  frameAncestors: string[]
  /** `Strict-Transport-Security` max-age on HTTPS responses (`HSTS_SECONDS`); 0: none. */
  hstsSeconds: number
  /** Sent as `X-Instance` on every response when set (`INSTANCE_NAME`), to tell instances apart. */
  instanceName?: string
}

/**
 * The demo's `ALLOWED_HOSTS` when unset: the loopback names a developer's browser uses.
 * The default shared-session sites (`localhost` and `127.0.0.1` on the demo's port)
 * are among them.
 */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]']

/**
 * Reads `HOST`, `PORT`, `DATA_DIR`, `TESSERA_SECRET` and `TRUSTED_ORIGINS` (comma-separated).
 * A missing `DATA_DIR` is created with mode 0700. Without a secret, one is generated into
 * `DATA_DIR/secret` (mode 0600) on first start and reused after, so restarting the demo
 * logs nobody out; a secret file other users may read draws a warning.
 *
 * The session store (see `stores.ts`): `REDIS_URL` (with `REDIS_PREFIX`, default
 * `tessera:`, and `REDIS_CLIENT_SIDE_CACHE=1` for `RedisStore`'s `clientSideCache`),
 * `DATABASE_URL` (with `SESSION_TABLE`, default `tessera_sessions`, and
 * `RATE_LIMIT_TABLE`, default `tessera_rate_limits`), both, or neither (SQLite under
 * `DATA_DIR`). Users follow `DATABASE_URL` (table `USERS_TABLE`, default `demo_users`),
 * else SQLite under `DATA_DIR`. `ALLOWED_HOSTS` (comma-separated, Django's setting; default
 * {@link DEFAULT_ALLOWED_HOSTS}) lists the `Host` values the demo answers; the hosts of
 * `SHARED_SITES` are always added, since the demo serves those sites. An entry that is
 * not an exact host fails startup with a `ConfigError`. `STORE_TIMEOUT_MS` bounds every
 * store call (default 1000); `STORE_OUTAGE_LOG_INTERVAL_MS` is the gap between two
 * summary lines of a store outage (default 10000).
 * `DEMO_ADAPTER` (`hono`, `express`, `fastify` or `web`; default `hono`) picks the
 * adapter the API runs on.
 * `MAX_SESSIONS_PER_USER` (default 10) caps each user's sessions; `FRESH_AGE` (seconds,
 * default 600) is how long a login counts as recent for sensitive actions.
 * JWT cookies: `SESSION_FORMAT=jwt` and the settings read by `loadJwtConfig`.
 * Production behind a TLS proxy (see `docs/guides/deploying.md`): `TRUST_PROXY`,
 * `HOST_COOKIES`, `FRAME_ANCESTORS`, `HSTS_SECONDS` and `INSTANCE_NAME`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const host = env.HOST || '127.0.0.1'
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`)
  }
  const dataDir = resolve(env.DATA_DIR || 'data')
  // Owner only: it holds the secret, the users' password hashes and the audit log.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const trustedOrigins = commaList(env, 'TRUSTED_ORIGINS')
  const allowedHosts = loadAllowedHosts(env)
  const trustProxy = flag(env, 'TRUST_PROXY', false)
  const storeTimeoutMs =
    env.STORE_TIMEOUT_MS === undefined || env.STORE_TIMEOUT_MS === ''
      ? 1000
      : Number(env.STORE_TIMEOUT_MS)
  if (!Number.isInteger(storeTimeoutMs) || storeTimeoutMs < 1) {
    throw new Error(
      `STORE_TIMEOUT_MS must be a whole number of milliseconds of at least 1, got "${env.STORE_TIMEOUT_MS}"`,
    )
  }
  const redisUrl = env.REDIS_URL || undefined
  if (redisUrl !== undefined && !/^rediss?:\/\//i.test(redisUrl)) {
    throw new Error('REDIS_URL must start with redis:// or rediss://')
  }
  // ioredis would throw Node's URL error, which carries the whole URL, password included.
  if (redisUrl !== undefined && !URL.canParse(redisUrl)) {
    throw new Error('REDIS_URL is not a URL (not shown: it may hold a password)')
  }
  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql://')
  }
  const adapter = (env.DEMO_ADAPTER || 'hono') as DemoAdapter
  if (!DEMO_ADAPTERS.includes(adapter)) {
    throw new Error(`DEMO_ADAPTER must be one of ${DEMO_ADAPTERS.join(', ')}, got "${adapter}"`)
  }
  return {
    host,
    port,
    dataDir,
    secret: env.TESSERA_SECRET || readOrCreateSecret(dataDir),
    trustedOrigins,
    allowedHosts,
    storeTimeoutMs,
    storeOutageLogIntervalMs: positiveInt(env, 'STORE_OUTAGE_LOG_INTERVAL_MS', 10_000),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    redisPrefix: env.REDIS_PREFIX || 'tessera:',
    redisClientSideCache: flag(env, 'REDIS_CLIENT_SIDE_CACHE', false),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    sessionTable: env.SESSION_TABLE || 'tessera_sessions',
    rateLimitTable: env.RATE_LIMIT_TABLE || 'tessera_rate_limits',
    usersTable: env.USERS_TABLE || 'demo_users',
    adapter,
    maxSessionsPerUser: positiveInt(env, 'MAX_SESSIONS_PER_USER', 10),
    freshAge: positiveInt(env, 'FRESH_AGE', 600),
    jwt: loadJwtConfig(env, dataDir),
    trustProxy,
    hostCookies: flag(env, 'HOST_COOKIES', trustProxy),
    frameAncestors: loadFrameAncestors(env),
    hstsSeconds: wholeNumber(env, 'HSTS_SECONDS', 31_536_000),
    ...(env.INSTANCE_NAME ? { instanceName: loadInstanceName(env.INSTANCE_NAME) } : {}),
  }
}

/** `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`; anything else stops startup. */
function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(
    `${name} must be 1 or 0 (or true/false, yes/no, on/off), got "${raw.slice(0, 100)}"`,
  )
}

/**
 * `FRAME_ANCESTORS`: comma-separated exact origins, as `Content-Security-Policy:
 * frame-ancestors` matches them. A wildcard is refused as in `TRUSTED_ORIGINS`: any site
 * could then frame the login form of `/embed/`.
 */
function loadFrameAncestors(env: NodeJS.ProcessEnv): string[] {
  const origins = commaList(env, 'FRAME_ANCESTORS')
  for (const origin of origins) {
    const url = URL.canParse(origin) ? new URL(origin) : undefined
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin) {
      throw new ConfigError(
        `FRAME_ANCESTORS entries must be exact origins like "https://partner.example" (http or https, lowercase, no path, wildcard or trailing slash), got ${JSON.stringify(origin.slice(0, 100))}`,
      )
    }
  }
  return origins
}

/** A comma-separated setting's entries, trimmed, empty ones dropped. */
function commaList(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
}

function loadInstanceName(raw: string): string {
  if (!/^[\w.-]{1,64}$/.test(raw)) {
    throw new ConfigError(
      `INSTANCE_NAME must be 1 to 64 letters, digits, ".", "_" or "-", got ${JSON.stringify(raw.slice(0, 100))}`,
    )
  }
  return raw
}

/** `ALLOWED_HOSTS` (or the default) plus the `SHARED_SITES` hosts, validated as the adapters will. */
function loadAllowedHosts(env: NodeJS.ProcessEnv): string[] {
  const listed = commaList(env, 'ALLOWED_HOSTS')
  for (const entry of listed) {
    // The adapters validate again at setup; here the message names the setting.
    try {
      resolveAllowedHosts([entry])
    } catch {
      throw new ConfigError(
        `ALLOWED_HOSTS entries must be exact hosts like "example.com", "example.com:8443" or "[::1]" (no scheme, path or wildcard), got ${JSON.stringify(entry.slice(0, 100))}`,
      )
    }
  }
  const hosts = listed.length ? listed : [...DEFAULT_ALLOWED_HOSTS]
  // A shared-session site is a host this server answers for by configuration. A
  // SHARED_SITES entry that is not a URL is left to SharedSessions, which refuses it.
  for (const site of (env.SHARED_SITES ?? '').split(',')) {
    const host = URL.canParse(site.trim()) ? new URL(site.trim()).host : ''
    if (host && !hosts.includes(host)) hosts.push(host)
  }
  return hosts
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return wholeNumber(env, name, fallback, 1)
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`)
  }
  return value
}

function readOrCreateSecret(dataDir: string): string {
  const file = resolve(dataDir, 'secret')
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) {
      console.warn(
        `WARNING: ${file} holds the app secret but other users may read it (chmod 600 it).`,
      )
    }
    return readFileSync(file, 'utf8').trim()
  }
  // Two instances starting together on a new DATA_DIR end up with one secret: the
  // first one's (a second secret would be refused by the store's mark for good).
  return createFileOnce(file, `${randomBytes(32).toString('base64url')}\n`).trim()
}
