import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  type AllowedHosts,
  type AuthUser,
  ConfigError,
  LoginThrottle,
  type RateLimitStore,
  resolveAllowedHosts,
  SessionManagement,
  SessionManager,
  type SessionStore,
} from '@tessera/core'
import { createPasswordHasher } from '@tessera/password'
import { RedisRateLimitStore, RedisStore } from '@tessera/store-redis'
import { SqliteRateLimitStore, SqliteStore } from '@tessera/store-sqlite'
import { Redis } from 'ioredis'
import { SESSION_COOKIE } from './session-cookie'
import { Users } from './users'

/** Everything the routes, pages and actions share: one of each per server process. */
export interface Tessera {
  manager: SessionManager
  management: SessionManagement<AuthUser>
  throttle: LoginThrottle
  users: Users
  /** Believe `X-Forwarded-Proto` and `X-Forwarded-For` (`TRUST_PROXY=1`). */
  trustProxy: boolean
  /** Exact origins besides the app's own allowed to send unsafe requests (`TRUSTED_ORIGINS`). */
  trustedOrigins: string[]
  /**
   * The hosts the app answers for (Django's `ALLOWED_HOSTS`): `ALLOWED_HOSTS` or
   * {@link DEFAULT_ALLOWED_HOSTS}. Every other `Host` is refused before the session, the
   * CSRF check or any handler runs: `400` from route handlers, `forbidden()` from Server
   * Actions and pages. The app's own origin (for the CSRF Origin check) is built from
   * `Host`, so an unchecked one (DNS rebinding) would vouch for the attacker's `Origin`.
   */
  allowedHosts: string[]
  /** {@link allowedHosts}, validated once: `hosts.allows(headers.get('host'))`. */
  hosts: AllowedHosts
  /**
   * Resolves once Redis (with `REDIS_URL`) answered or failed for the first time and the
   * first user exists (the example creates admin/admin). `route()`, `readSession()` and
   * `sessionAction()` await it, so the first request never meets a connection still
   * being made.
   */
  ready: Promise<void>
}

// On globalThis, not in a module variable: `next dev` re-evaluates modules on every edit,
// and each copy would open its own database handles and Redis connection. Keyed by the
// SessionManager class, because Next.js bundles route handlers and pages separately, each
// with its own copy of @tessera/core, and a session must never meet a manager of another
// copy (their private state and error classes differ).
const KEY = Symbol.for('tessera.example.nextjs')
type Holder = { [KEY]?: WeakMap<typeof SessionManager, Tessera> }

/**
 * The example's `ALLOWED_HOSTS` when unset: the loopback names a developer's browser uses
 * (`next start` on `http://localhost:3000`), as in the demo app.
 */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]']

/**
 * The app's Tessera setup, created on first use, never at import: `next build` imports
 * every route to collect page data, and must not open databases or connect to Redis
 * while doing so.
 *
 * Environment: `DATA_DIR` (default `.data`) holds the SQLite files and the generated
 * secret; `TESSERA_SECRET` overrides that secret; `REDIS_URL` (with `REDIS_PREFIX`,
 * default `tessera-next:`) moves sessions and login-throttle counters to Redis (users
 * stay in SQLite); `TRUST_PROXY=1` behind a proxy that overwrites `X-Forwarded-*`;
 * `TRUSTED_ORIGINS` (comma-separated) for other origins that may post; `ALLOWED_HOSTS`
 * (comma-separated, Django's setting; default {@link DEFAULT_ALLOWED_HOSTS}) for the
 * `Host` values the app answers. An entry that is not an exact host (`*`, `.example.com`,
 * a scheme or a path) throws a `ConfigError` here, before anything else is opened.
 */
export function tessera(): Tessera {
  const holder = globalThis as Holder
  holder[KEY] ??= new WeakMap()
  let setup = holder[KEY].get(SessionManager)
  if (!setup) {
    setup = create(process.env)
    holder[KEY].set(SessionManager, setup)
  }
  return setup
}

function create(env: NodeJS.ProcessEnv): Tessera {
  // First: a bad ALLOWED_HOSTS fails before any database is opened.
  const allowedHosts = loadAllowedHosts(env)
  const hosts = resolveAllowedHosts(allowedHosts)
  // Run-time data, not code: without the hint Turbopack traces the whole project into
  // the server output because it cannot tell where a variable path points.
  const dataDir = resolve(/* turbopackIgnore: true */ env.DATA_DIR || '.data')
  // Owner only: it holds the secret and the users' password hashes.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const { store, rateLimits, connected } = openStores(env, dataDir)
  const manager = new SessionManager({
    store,
    secret: env.TESSERA_SECRET || readOrCreateSecret(dataDir),
    cookie: { name: SESSION_COOKIE },
  })
  const users = new Users(join(dataDir, 'users.sqlite3'))
  const hasher = createPasswordHasher()
  const management = new SessionManagement({ store, users, hasher, maxSessionsPerUser: 10 })
  const throttle = new LoginThrottle({ store: rateLimits, keys: manager.keys })
  const ready = (async () => {
    await connected
    if (users.count() > 0) return
    users.create('admin', await hasher.hash('admin'))
    console.warn(
      'Created the example user admin / admin. Change it before anyone else can reach the app.',
    )
  })()
  const trustedOrigins = (env.TRUSTED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  return {
    manager,
    management,
    throttle,
    users,
    trustProxy: env.TRUST_PROXY === '1',
    trustedOrigins,
    allowedHosts,
    hosts,
    ready,
  }
}

/** `ALLOWED_HOSTS` (comma-separated) or the default, each entry validated as an exact host. */
export function loadAllowedHosts(env: NodeJS.ProcessEnv): string[] {
  const listed = (env.ALLOWED_HOSTS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  for (const entry of listed) {
    // resolveAllowedHosts() says allowedHosts[i]; this message names the setting.
    try {
      resolveAllowedHosts([entry])
    } catch {
      throw new ConfigError(
        `ALLOWED_HOSTS entries must be exact hosts like "example.com", "example.com:8443" or "[::1]" (no scheme, path or wildcard), got ${JSON.stringify(entry.slice(0, 100))}`,
      )
    }
  }
  return listed.length ? listed : [...DEFAULT_ALLOWED_HOSTS]
}

function openStores(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): { store: SessionStore; rateLimits: RateLimitStore; connected: Promise<void> } {
  const url = env.REDIS_URL
  if (url) {
    // Fail fast while Redis is down (the request answers 503) and reconnect by itself.
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    })
    let down = false
    client.on('error', (error: Error) => {
      if (!down) console.error(`Redis unavailable: ${error.message}`)
      down = true
    })
    client.on('ready', () => {
      down = false
    })
    const prefix = env.REDIS_PREFIX || 'tessera-next:'
    // Commands fail at once until the first connection is up, so startup waits for it (or
    // for the first error: a Redis that is down at startup gives 503s, not a hang).
    const connected = new Promise<void>((resolve) => {
      client.once('ready', resolve)
      client.once('error', () => resolve())
    })
    return {
      connected,
      store: new RedisStore({ client, prefix }),
      rateLimits: new RedisRateLimitStore({ client, prefix }),
    }
  }
  const path = join(dataDir, 'sessions.sqlite3')
  return {
    store: new SqliteStore({ path }),
    rateLimits: new SqliteRateLimitStore({ path }),
    connected: Promise.resolve(),
  }
}

// Generated once into DATA_DIR (mode 0600) so a restart logs nobody out.
function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
