import { type Outcome, rateOf, ratio } from './ratios.js'
import type { TargetId } from './targets.js'

/** Two targets measured against each other: `target` req/s over `baseline` req/s, read path. */
export interface Comparison {
  name: string
  target: TargetId
  baseline: TargetId
}

/** One performance goal: a {@link Comparison} with the least ratio that meets it. */
export interface Goal extends Comparison {
  /** The least ratio that meets the goal. */
  atLeast: number
}

/**
 * The read-path goals of "the session layer costs almost nothing over its framework":
 * Tessera on each framework and store against the bare framework, Tessera's Express
 * adapter against express-session, JWT cookies against opaque cookies on the same
 * adapter and store, and the demo as `npm start` runs it against bare `node:http`.
 */
export const goals: readonly Goal[] = [
  ['Tessera Hono (memory) / bare Hono', 'tessera-hono-memory', 'hono', 0.75],
  ['Tessera Hono (SQLite) / bare Hono', 'tessera-hono', 'hono', 0.75],
  ['Tessera Hono (Redis) / bare Hono', 'tessera-hono-redis', 'hono', 0.75],
  ['Tessera Fastify (memory) / bare Fastify', 'tessera-fastify', 'fastify', 0.75],
  ['Tessera Fastify (Redis) / bare Fastify', 'tessera-fastify-redis', 'fastify', 0.75],
  ['Tessera Express (memory) / bare Express', 'tessera-express', 'express', 0.85],
  ['Tessera Express (Redis) / bare Express', 'tessera-express-redis', 'express', 0.85],
  [
    'Tessera Express (memory) / express-session (memory)',
    'tessera-express',
    'express-session',
    1.3,
  ],
  [
    'Tessera Express (Redis) / express-session (Redis)',
    'tessera-express-redis',
    'express-session-redis',
    1.3,
  ],
  // The Redis goals again with RedisStore's opt-in clientSideCache.
  ['Tessera Hono (Redis, cached) / bare Hono', 'tessera-hono-redis-cached', 'hono', 0.75],
  [
    'Tessera Fastify (Redis, cached) / bare Fastify',
    'tessera-fastify-redis-cached',
    'fastify',
    0.75,
  ],
  [
    'Tessera Express (Redis, cached) / bare Express',
    'tessera-express-redis-cached',
    'express',
    0.85,
  ],
  [
    'Tessera Express (Redis, cached) / express-session (Redis)',
    'tessera-express-redis-cached',
    'express-session-redis',
    1.3,
  ],
  ['Tessera Hono JWT EdDSA / opaque (SQLite)', 'tessera-hono-jwt-eddsa', 'tessera-hono', 0.9],
  ['Tessera Hono JWT ES256 / opaque (SQLite)', 'tessera-hono-jwt-es256', 'tessera-hono', 0.9],
  ['demo GET /api/hello/ (live session) / bare node:http', 'demo', 'node-http', 0.4],
].map(([name, target, baseline, atLeast]) => ({ name, target, baseline, atLeast }) as Goal)

/**
 * What the goals are measured against besides the bare framework, printed after the
 * goals with no verdict. For Hono on memory: a middleware that sets `Vary` through
 * `c.res.headers` (as Tessera's adapter did until `55ca641`), the least any session
 * middleware adds there (one async middleware and an async handler), and the least a
 * correct session read adds to that (written inline, no library); Tessera on memory
 * against each; and Tessera on SQLite against Tessera on memory, the embedded store's
 * cost. For Fastify on memory, the least any session plugin adds (callback
 * `onRequest` and `onSend` hooks around an async route), and Tessera on memory against
 * it. For the Redis goals, for each framework: the floor of any session on Redis there
 * (the bare framework plus one ioredis HMGET per request, corked as `RedisStore` corks
 * its reads, and nothing else) against the bare framework, which bounds what that Redis
 * goal can read on this machine; and Tessera on Redis against that floor, which is what
 * the session layer itself costs there. PostgreSQL, which has no goal: its floor (bare
 * Hono plus `PostgresStore`'s own statement) against bare Hono, and Tessera on Hono and
 * PostgreSQL against bare Hono and against that floor; Tessera on Express and on Fastify
 * with PostgreSQL against the bare framework and against its peer (express-session,
 * @fastify/session) with connect-pg-simple.
 */
export const references: readonly Comparison[] = [
  // What a Hono middleware that awaits `next()` and sets `Vary` after it through
  // `c.res.headers` costs on this machine (no session), and Tessera on memory against that.
  ['a middleware setting Vary (hono + middleware + Vary) / bare Hono', 'hono-floor', 'hono'],
  ['Tessera Hono (memory) / that floor', 'tessera-hono-memory', 'hono-floor'],
  // The least any session middleware adds on Hono (an async middleware awaiting `next()`,
  // an async handler; no `Vary`), and Tessera on memory against it: the session work.
  ['the least middleware (hono + middleware, no Vary) / bare Hono', 'hono-middleware', 'hono'],
  ['Tessera Hono (memory) / the least middleware', 'tessera-hono-memory', 'hono-middleware'],
  // The least a correct session read does there, inline with no library, and Tessera on
  // memory against it: what the layer costs beyond the work any session read must do.
  [
    'the least session read (hono + middleware + inline read) / bare Hono',
    'hono-session-read',
    'hono',
  ],
  ['Tessera Hono (memory) / the least session read', 'tessera-hono-memory', 'hono-session-read'],
  // What the embedded default store costs a session read on Hono: SQLite against memory.
  ['Tessera Hono (SQLite) / Tessera Hono (memory)', 'tessera-hono', 'tessera-hono-memory'],
  ['floor of a session on Redis (hono + 1 corked HMGET) / bare Hono', 'hono-redis-floor', 'hono'],
  ['Tessera Hono (Redis) / that floor', 'tessera-hono-redis', 'hono-redis-floor'],
  [
    'the same read through a bare socket (hono + 1 batched raw HMGET) / bare Hono',
    'hono-raw-redis-floor',
    'hono',
  ],
  [
    'that floor through ioredis / the same read through a bare socket',
    'hono-redis-floor',
    'hono-raw-redis-floor',
  ],
  // The least any session plugin adds on Fastify (callback `onRequest` and `onSend` hooks,
  // an async route; no `Vary`), and Tessera on memory against it: the session work.
  [
    'the least plugin (fastify + onRequest and onSend hooks) / bare Fastify',
    'fastify-hooks',
    'fastify',
  ],
  ['Tessera Fastify (memory) / the least plugin', 'tessera-fastify', 'fastify-hooks'],
  [
    'floor of a session on Redis (fastify + 1 corked HMGET) / bare Fastify',
    'fastify-redis-floor',
    'fastify',
  ],
  ['Tessera Fastify (Redis) / that floor', 'tessera-fastify-redis', 'fastify-redis-floor'],
  [
    'floor of a session on Redis (express + 1 corked HMGET) / bare Express',
    'express-redis-floor',
    'express',
  ],
  ['Tessera Express (Redis) / that floor', 'tessera-express-redis', 'express-redis-floor'],
  // PostgreSQL has no goal line: the floor of a session there (PostgresStore's own read,
  // a turn's reads in one statement, through the same pool, and nothing else), and
  // Tessera on PostgreSQL against it and against bare Hono.
  [
    'floor of a session on PostgreSQL (hono + 1 batched pg SELECT) / bare Hono',
    'hono-postgres-floor',
    'hono',
  ],
  ['Tessera Hono (PostgreSQL) / bare Hono', 'tessera-hono-postgres', 'hono'],
  ['Tessera Hono (PostgreSQL) / that floor', 'tessera-hono-postgres', 'hono-postgres-floor'],
  ['Tessera Express (PostgreSQL) / bare Express', 'tessera-express-postgres', 'express'],
  [
    'Tessera Express (PostgreSQL) / express-session + connect-pg-simple',
    'tessera-express-postgres',
    'express-session-postgres',
  ],
  ['Tessera Fastify (PostgreSQL) / bare Fastify', 'tessera-fastify-postgres', 'fastify'],
  [
    'Tessera Fastify (PostgreSQL) / @fastify/session + connect-pg-simple',
    'tessera-fastify-postgres',
    'fastify-session-postgres',
  ],
].map(([name, target, baseline]) => ({ name, target, baseline }) as Comparison)

/**
 * One line per goal, e.g. `goal: Tessera Hono (memory) / bare Hono = 0.62× (target ≥
 * 0.75×) NOT MET`; `n/a … NOT MEASURED` when either side failed, was skipped or not
 * selected.
 */
export function formatGoals(outcomes: readonly Outcome[]): string {
  return goals
    .map((goal) =>
      formatGoal(goal, ratio(rateOf(outcomes, goal.target), rateOf(outcomes, goal.baseline))),
    )
    .join('\n')
}

/** One reference's line, e.g. `reference: … = 0.71×`, or `n/a` with `unmeasured`. */
export function formatReference(
  reference: Comparison,
  value: number | null,
  unmeasured = 'NOT MEASURED',
): string {
  if (value === null) return `reference: ${reference.name} = n/a ${unmeasured}`
  return `reference: ${reference.name} = ${value.toFixed(2)}×`
}

/**
 * One goal's line for a measured ratio (`MET` or `NOT MET`), or `n/a` with `unmeasured`
 * as the verdict when `value` is `null`.
 */
export function formatGoal(goal: Goal, value: number | null, unmeasured = 'NOT MEASURED'): string {
  const wanted = `(target ≥ ${goal.atLeast.toFixed(2)}×)`
  if (value === null) return `goal: ${goal.name} = n/a ${wanted} ${unmeasured}`
  const verdict = value >= goal.atLeast ? 'MET' : 'NOT MET'
  return `goal: ${goal.name} = ${value.toFixed(2)}× ${wanted} ${verdict}`
}
