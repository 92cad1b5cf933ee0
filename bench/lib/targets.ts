import { fileURLToPath } from 'node:url'

export type TargetId =
  | 'node-http'
  | 'hono'
  | 'hono-floor'
  | 'hono-middleware'
  | 'hono-session-read'
  | 'hono-redis-floor'
  | 'hono-raw-redis-floor'
  | 'hono-postgres-floor'
  | 'express'
  | 'fastify'
  | 'express-redis-floor'
  | 'fastify-hooks'
  | 'fastify-redis-floor'
  | 'tessera-hono-memory'
  | 'tessera-hono'
  | 'express-session'
  | 'fastify-session'
  | 'tessera-hono-redis'
  | 'tessera-hono-postgres'
  // Tessera on Express against express-session on the same PostgreSQL.
  | 'tessera-express-postgres'
  | 'express-session-postgres'
  // Tessera on Fastify against @fastify/session on the same PostgreSQL.
  | 'tessera-fastify-postgres'
  | 'fastify-session-postgres'
  | 'express-session-redis'
  | 'fastify-session-redis'
  // Tessera's Express and Fastify adapters, each against its peer on the same store.
  | 'tessera-express'
  | 'tessera-fastify'
  | 'tessera-express-redis'
  | 'tessera-fastify-redis'
  // The same three on Redis with RedisStore's clientSideCache on.
  | 'tessera-hono-redis-cached'
  | 'tessera-express-redis-cached'
  | 'tessera-fastify-redis-cached'
  | 'tessera-hono-jwt-eddsa'
  | 'tessera-hono-jwt-es256'
  | 'demo'

/** The bare framework targets: what each session target is also measured against. */
export type FrameworkId = 'hono' | 'express' | 'fastify'

/** One server the bench can measure. */
export interface Target {
  /** The name used in BENCH_TARGETS and in results/latest.json; also the file name in servers/. */
  id: TargetId
  /** The name printed in the table. */
  label: string
  /** Absolute path of the server file (for `demo`, apps/demo/start.js). */
  file: string
  /**
   * `bundle`: the server file, bundled and run in a child (`spawnServer`); `demo`: the
   * real demo app as `npm start` runs it (`spawnDemo`), measured on `GET /api/hello/`.
   */
  launch: 'bundle' | 'demo'
  /** Whether setup must log in (GET /login) and every measured request carry the cookie. */
  session: boolean
  /** Whether the server needs the Redis at 127.0.0.1:6379; skipped when it is unreachable. */
  redis: boolean
  /** Whether the server needs the PostgreSQL at 127.0.0.1:5432; skipped when it is unreachable. */
  postgres: boolean
  /** The bare framework under it, printed as a second ratio beside `vs node:http`. */
  framework?: FrameworkId
  /** The peer session library on the same framework and store (for Tessera targets). */
  peer?: TargetId
  /** Whether it serves the write routes (`/write`, `/count`) and so runs the login and write phases. */
  writes: boolean
}

const serverFile = (id: TargetId): string =>
  fileURLToPath(new URL(`../servers/${id}.ts`, import.meta.url))

type Row = [TargetId, string, Partial<Omit<Target, 'id' | 'label'>>]

const session = { session: true, writes: true }
const onRedis = { ...session, redis: true }
const onPostgres = { ...session, postgres: true }

const rows: Row[] = [
  ['node-http', 'node:http', {}],
  ['hono', 'hono', {}],
  // Hono plus a middleware that sets `Vary` after `next()` through `c.res.headers`, as
  // Tessera's adapter did until 55ca641 (no session): more than a session middleware must add.
  ['hono-floor', 'hono + middleware + Vary', { framework: 'hono' }],
  // Hono plus the least any session middleware adds: an async middleware awaiting
  // `next()` and an async handler, no `Vary`.
  ['hono-middleware', 'hono + middleware', { framework: 'hono' }],
  // The same plus the least a correct session read does, inline with no library (cookie,
  // format check, a `Map`, expiry, SHA-256, constant-time compare); no `Vary`.
  ['hono-session-read', 'hono + inline session read', { session: true, framework: 'hono' }],
  // Bare Hono plus one Redis read per request, corked as RedisStore corks its reads, and
  // nothing else (no Vary): the floor of any session on Redis.
  ['hono-redis-floor', 'hono + corked redis read', { redis: true, framework: 'hono' }],
  // The same read through a bare socket and a few lines of RESP instead of ioredis: how
  // much of that floor is the driver.
  ['hono-raw-redis-floor', 'hono + batched raw-socket read', { redis: true, framework: 'hono' }],
  // Bare Hono plus one PostgreSQL read per request (PostgresStore's own read: a turn's
  // reads in one statement, through the same pool) and nothing else: the floor of any
  // session on PostgreSQL.
  ['hono-postgres-floor', 'hono + batched postgres read', { postgres: true, framework: 'hono' }],
  ['express', 'express', {}],
  ['fastify', 'fastify', {}],
  // Fastify plus the least any session plugin adds: callback `onRequest` and `onSend`
  // hooks around an async route, a decorated request property; no session, no `Vary`.
  ['fastify-hooks', 'fastify + hooks', { framework: 'fastify' }],
  // Each bare framework plus that one corked Redis read, where its Tessera adapter reads.
  ['express-redis-floor', 'express + corked redis read', { redis: true, framework: 'express' }],
  ['fastify-redis-floor', 'fastify + corked redis read', { redis: true, framework: 'fastify' }],
  ['tessera-hono-memory', 'tessera (hono + memory)', { ...session, framework: 'hono' }],
  ['tessera-hono', 'tessera (hono + sqlite)', { ...session, framework: 'hono' }],
  ['express-session', 'express-session (memory)', { ...session, framework: 'express' }],
  ['fastify-session', '@fastify/session (memory)', { ...session, framework: 'fastify' }],
  ['tessera-hono-redis', 'tessera (hono + redis)', { ...onRedis, framework: 'hono' }],
  ['tessera-hono-postgres', 'tessera (hono + postgres)', { ...onPostgres, framework: 'hono' }],
  ['express-session-redis', 'express-session (redis)', { ...onRedis, framework: 'express' }],
  ['fastify-session-redis', '@fastify/session (redis)', { ...onRedis, framework: 'fastify' }],
  // Like with like: each Tessera adapter on the same store as its peer (memory vs memory,
  // and the same shared Redis), so the ratio compares the session layers.
  [
    'tessera-express',
    'tessera express (memory)',
    { ...session, framework: 'express', peer: 'express-session' },
  ],
  [
    'tessera-fastify',
    'tessera fastify (memory)',
    { ...session, framework: 'fastify', peer: 'fastify-session' },
  ],
  [
    'tessera-express-redis',
    'tessera express (redis)',
    { ...onRedis, framework: 'express', peer: 'express-session-redis' },
  ],
  [
    'tessera-fastify-redis',
    'tessera fastify (redis)',
    { ...onRedis, framework: 'fastify', peer: 'fastify-session-redis' },
  ],
  // The same pairs on the shared PostgreSQL (PostgresStore / connect-pg-simple), one pool
  // setting for all four.
  [
    'express-session-postgres',
    'express-session (postgres)',
    { ...onPostgres, framework: 'express' },
  ],
  [
    'tessera-express-postgres',
    'tessera express (postgres)',
    { ...onPostgres, framework: 'express', peer: 'express-session-postgres' },
  ],
  [
    'fastify-session-postgres',
    '@fastify/session (postgres)',
    { ...onPostgres, framework: 'fastify' },
  ],
  [
    'tessera-fastify-postgres',
    'tessera fastify (postgres)',
    { ...onPostgres, framework: 'fastify', peer: 'fastify-session-postgres' },
  ],
  // RedisStore with clientSideCache (opt-in): sessions read again answered from this
  // process until Redis says they changed.
  [
    'tessera-hono-redis-cached',
    'tessera (hono + redis, cached)',
    { ...onRedis, framework: 'hono' },
  ],
  [
    'tessera-express-redis-cached',
    'tessera express (redis, cached)',
    { ...onRedis, framework: 'express', peer: 'express-session-redis' },
  ],
  [
    'tessera-fastify-redis-cached',
    'tessera fastify (redis, cached)',
    { ...onRedis, framework: 'fastify', peer: 'fastify-session-redis' },
  ],
  // JWT session cookies: tessera-hono with format 'jwt', one per algorithm (read path only).
  ['tessera-hono-jwt-eddsa', 'tessera jwt EdDSA', { session: true, framework: 'hono' }],
  ['tessera-hono-jwt-es256', 'tessera jwt ES256', { session: true, framework: 'hono' }],
  // The real demo app as `npm start` runs it (SQLite, a live session), GET /api/hello/.
  [
    'demo',
    'demo GET /api/hello/',
    {
      session: true,
      launch: 'demo',
      file: fileURLToPath(new URL('../../apps/demo/start.js', import.meta.url)),
    },
  ],
]

/** Every target, in the order the table prints them. */
export const targets: readonly Target[] = rows.map(([id, label, rest]) => ({
  id,
  label,
  file: serverFile(id),
  launch: 'bundle',
  session: false,
  redis: false,
  postgres: false,
  writes: false,
  ...rest,
}))

/** Looks a target up by id; throws if there is none (a typo in a test, not user input). */
export function targetById(id: TargetId): Target {
  const target = targets.find((t) => t.id === id)
  if (!target) throw new Error(`unknown target ${id}`)
  return target
}

/**
 * {@link targetById} for a probe that starts the server itself with Node flags: the demo
 * runs as `npm start` runs it (`spawnDemo`), which takes none, so it is refused.
 */
export function bundledTarget(id: TargetId): Target {
  const target = targetById(id)
  if (target.launch !== 'bundle') throw new Error(`${id}: only bundled targets can be probed`)
  return target
}
