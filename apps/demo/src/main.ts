import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { createTessera, StoreOutageLog } from '@tessera/core'
import { createPasswordHasher } from '@tessera/password'
import { adapterServer } from './adapter-server.js'
import { createApp } from './app.js'
import { JsonLinesFileSink } from './audit-file-sink.js'
import { loadConfig } from './config.js'
import type { DemoUsers } from './demo-users.js'
import { withDeploymentHeaders } from './deployment-headers.js'
import { jwtSessionOptions, withJwtRoutes } from './jwt-sessions.js'
import { pageSessionToken } from './page-session-token.js'
import { PostgresUsers } from './postgres-users.js'
import { checkSharedSecret } from './secret-check.js'
import { demoSharedSessions } from './shared-sessions.js'
import { openStores } from './stores.js'
import { SqliteUsers } from './users.js'
import { ensureWebBuild, mountWeb } from './web.js'

const config = loadConfig()
// Sessions in SQLite, Redis, PostgreSQL or Redis in front of PostgreSQL (see stores.ts).
const stores = openStores(config)
const { store } = stores
// Users follow DATABASE_URL, so every instance on that database shares them; else SQLite.
const users: DemoUsers = stores.postgres
  ? await PostgresUsers.open(stores.postgres, config.usersTable, { timeout: config.storeTimeoutMs })
  : new SqliteUsers(join(config.dataDir, 'app.sqlite3'))
// One composition root: the store, secret, storeTimeout and outage log are given once;
// management, throttling, audit and shared sessions are built from it.
const tessera = createTessera({
  store,
  secret: config.secret,
  // With JWT cookies, no fresh token (and no active introspection) for a user disabled
  // or whose password was reset since the session began.
  users,
  storeTimeout: config.storeTimeoutMs,
  // An outage logs its first failure, a count every STORE_OUTAGE_LOG_INTERVAL_MS and
  // its end, not one line per failed request.
  storeOutageLog: new StoreOutageLog({ interval: config.storeOutageLogIntervalMs }),
  // SESSION_FORMAT=jwt: the cookie is a JWT federated services verify with the JWKS.
  ...(await jwtSessionOptions(config.jwt)),
  // HOST_COOKIES (on with TRUST_PROXY): `__Host-sessionid` (and `__Host-sessionid_csrf`),
  // always Secure, host-only, Path=/ — no subdomain or plain-HTTP page can plant or read it.
  ...(config.hostCookies ? { cookie: { name: '__Host-sessionid', secure: true } } : {}),
})
const { manager } = tessera
// Instances on one store with different secrets would each keep their own login-throttle
// counters (N instances, N times the guesses): the second such instance stops here.
await checkSharedSecret(
  {
    keys: manager.keys,
    ...(stores.postgres ? { postgres: stores.postgres } : {}),
    tables: [config.sessionTable, config.rateLimitTable],
    ...(stores.redis ? { redis: stores.redis } : {}),
    redisPrefix: config.redisPrefix,
    ...(stores.sqlite ? { sqliteDir: config.dataDir } : {}),
  },
  config.storeTimeoutMs,
)
const hasher = createPasswordHasher()
const throttle = tessera.loginThrottle({ store: stores.rateLimits })

// Instances starting together on one new database all see no user; one insert wins.
const seeded =
  (await users.count()) === 0 && (await users.createIfAbsent('admin', await hasher.hash('admin')))
// Every start says the login while `admin` still has its public password (not only the
// start that created it), and stops once someone changes it.
if (seeded || (await hasDefaultLogin(users))) {
  console.warn(seeded ? 'Created the demo user admin / admin.' : 'Demo login: admin / admin.')
  console.warn(
    'WARNING: that password is public. Change it before the demo is reachable by anyone else.',
  )
}

/** Whether the demo user `admin` exists, is active and still has the password `admin`. */
async function hasDefaultLogin(table: DemoUsers): Promise<boolean> {
  const admin = await table.findByUsername('admin')
  return (
    admin !== null &&
    admin.isActive !== false &&
    (await hasher.verify('admin', admin.passwordHash)).valid
  )
}

// Audit events (login, logout, failures, revocations, password changes, replaced
// sessions) as JSON lines with hashed identifiers only.
const audit = tessera.auditTrail({
  sink: new JsonLinesFileSink(join(config.dataDir, 'audit.jsonl')),
  onError: (e) => console.error('audit log write failed:', (e as Error).message),
})
audit.watch(manager, ['sessionReplaced', 'transferRejected'])
const management = tessera.management({
  users,
  hasher,
  audit,
  maxSessionsPerUser: config.maxSessionsPerUser,
  freshAge: config.freshAge,
})

const deps = {
  manager,
  users,
  hasher,
  throttle,
  management,
  trustedOrigins: config.trustedOrigins,
  // Django's ALLOWED_HOSTS: every adapter answers 400 to any other Host, first.
  allowedHosts: config.allowedHosts,
  // TRUST_PROXY: one value for every adapter's cookies, CSRF, shared sessions and client address.
  trustProxy: config.trustProxy,
  ...(config.hostCookies ? { csrfCookie: { name: '__Host-csrftoken', secure: true } } : {}),
}
const app = createApp(deps)
// django-shared-session: one session across the sites this server answers for (shared-sessions.ts).
const shared = demoSharedSessions(process.env, config.secret, tessera)
shared.mount(app)
mountWeb(app, await ensureWebBuild(), {
  // django-session-token's template tag, only on /embed/ (or a request with a header
  // token) of an existing session (see page-session-token.ts): cookie pages never carry
  // one, and anonymous views create no session.
  html: async (c, html) => shared.html(c, await pageSessionToken(c, html)),
  // FRAME_ANCESTORS: the origins that may frame /embed/ (no page may be framed otherwise).
  frameAncestors: config.frameAncestors,
})

// Expired rows are invisible already; this only reclaims their space. The throttle's
// counters of ended windows are swept at start too: a demo restarted more often than
// hourly would otherwise keep every username ever tried.
const sweepCounters = () =>
  stores
    .deleteEndedCounters(Date.now())
    .catch((e: unknown) => console.error('counter sweep failed:', (e as Error).message))
await sweepCounters()
const sweep = setInterval(
  () => {
    store
      .deleteExpired()
      .catch((e: unknown) => console.error('session sweep failed:', (e as Error).message))
    void sweepCounters()
  },
  60 * 60 * 1000,
)
sweep.unref()

// DEMO_ADAPTER: the API on Express, Fastify or @tessera/web instead of Hono (the SPA stays on Hono).
const onAdapter = await adapterServer(config.adapter, deps)
const listen = {
  fetch: withJwtRoutes(app, manager, config.jwt, config.allowedHosts).fetch,
  hostname: config.host,
  port: config.port,
  // HSTS on HTTPS responses and X-Instance, whichever adapter answers.
  createServer: withDeploymentHeaders(onAdapter.createServer, config),
}
const server = serve(listen, (info) => {
  shared.listening(info.port)
  const shownHost = info.address.includes(':') ? `[${info.address}]` : info.address
  console.log(`Tessera demo listening on http://${shownHost}:${info.port}`)
  console.log(`API adapter: ${config.adapter}`)
  console.log(`Allowed hosts: ${config.allowedHosts.join(', ')}`)
  console.log(
    `Behind a proxy: ${config.trustProxy ? 'yes (X-Forwarded-Proto/For trusted)' : 'no'}; cookies: ${manager.cookieName}${config.hostCookies ? ' (always Secure)' : ' (Secure on HTTPS)'}; frame-ancestors of /embed/: ${config.frameAncestors.join(' ') || "'none'"}`,
  )
  console.log(
    `Users: ${stores.postgres ? `PostgreSQL (table ${config.usersTable})` : 'SQLite under DATA_DIR'}`,
  )
  console.log(
    `Session cookies: ${config.jwt.format === 'jwt' ? `JWT (${config.jwt.keyFile ?? config.jwt.keysFile})` : 'opaque'}`,
  )
  console.log(`Sessions: ${stores.describe}`)
  console.log(`Shared sessions: ${shared.describe()}`)
})

// A port already taken is the likeliest start-up failure (a second `npm start`): one line
// with the setting that moves it, rather than Node's stack trace.
server.once('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error
  console.error(
    `Port ${config.port} on ${config.host} is in use (another npm start?): stop it, or set PORT.`,
  )
  process.exit(1)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => {
      users.close()
      // Events still queued (the manager's, then the audit trail's) are written first.
      void manager
        .settled()
        .then(() => audit.flush())
        .then(() => stores.close())
        .finally(() => process.exit(0))
    })
  })
}
