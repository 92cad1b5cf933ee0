/**
 * The request loops `npm run bench:instructions` counts (instructions/request-loop.ts),
 * each answering `GET /` with `{"user":"bench"}`: a bare framework, or Tessera on it
 * reading that answer from a live session (`tessera-hono-csrf`: `POST /`, CSRF-checked).
 * `bare` names the scenario each is compared with.
 * `redis`: the scenario reads the Redis at 127.0.0.1:6379 on every request ({@link needsRedis}).
 * `postgres`: the scenario reads the PostgreSQL at 127.0.0.1:5432 (or
 * `TESSERA_POSTGRES_URL`) on every request ({@link needsPostgres}).
 * `session`: the loop logs in first (`GET /login`) and sends that cookie ({@link logsIn}).
 */
export const instructionScenarios = {
  hono: { bare: 'hono' },
  // Bare Hono plus the least a session middleware adds there (the `hono-middleware`
  // target's app, lib/hono-middleware-app.ts): what Tessera on Hono pays Hono itself.
  'hono-middleware': { bare: 'hono' },
  // The same plus the least a correct session read does, inline with no library (the
  // cookie, the credential's format, a `Map`, the expiry, SHA-256, a constant-time
  // compare; lib/hono-session-read-app.ts): what any session layer must pay on Hono.
  'hono-session-read': { bare: 'hono-middleware', session: true },
  'tessera-hono-memory': { bare: 'hono', session: true },
  'tessera-hono-sqlite': { bare: 'hono', session: true },
  'tessera-hono-jwt': { bare: 'hono', session: true },
  // A browser's unsafe request: `POST /` with the session cookie, `X-CSRFToken`, `Origin`
  // and `Sec-Fetch-Site`, through the Hono adapter's `csrf` option on `MemoryStore`,
  // against the same session's `GET /`: what the CSRF check adds to a request.
  'tessera-hono-csrf': { bare: 'tessera-hono-memory', session: true },
  // Over a real Redis at 127.0.0.1:6379: the floor (one corked HMGET per request, as
  // `hono-redis-floor` serves it) against bare Hono, and Tessera on `RedisStore` against
  // that floor: what the session layer adds to a request that waits on the network.
  'hono-redis-floor': { bare: 'hono', redis: true },
  'tessera-hono-redis': { bare: 'hono-redis-floor', redis: true, session: true },
  // The same two over a real PostgreSQL: the floor (`hono-postgres-floor`: the store's
  // read, a turn's reads in one statement) and Tessera on `PostgresStore` against it. Each
  // request is a turn of its own here, so each statement carries one id.
  'hono-postgres-floor': { bare: 'hono', postgres: true },
  'tessera-hono-postgres': { bare: 'hono-postgres-floor', postgres: true, session: true },
  fastify: { bare: 'fastify' },
  // Bare Fastify plus the least a session plugin adds there (the `fastify-hooks` target's
  // app, lib/fastify-hooks-app.ts): what Tessera on Fastify pays Fastify itself.
  'fastify-hooks': { bare: 'fastify' },
  'tessera-fastify-memory': { bare: 'fastify', session: true },
  // The same two over Redis on Fastify: its floor (`fastify-redis-floor`: an async
  // `onRequest` hook awaiting one corked HMGET) and Tessera on `RedisStore` against it.
  'fastify-redis-floor': { bare: 'fastify', redis: true },
  'tessera-fastify-redis': { bare: 'fastify-redis-floor', redis: true, session: true },
  express: { bare: 'express' },
  'tessera-express-memory': { bare: 'express', session: true },
  // And on Express: its floor (`express-redis-floor`: a middleware that calls `next()` once
  // one corked HMGET has answered) and Tessera on `RedisStore` against it.
  'express-redis-floor': { bare: 'express', redis: true },
  'tessera-express-redis': { bare: 'express-redis-floor', redis: true, session: true },
} as const

export type InstructionScenario = keyof typeof instructionScenarios

/** Whether scenario `id` reads the Redis at 127.0.0.1:6379 on every request. */
export function needsRedis(id: InstructionScenario): boolean {
  return 'redis' in instructionScenarios[id]
}

/** Whether scenario `id` reads the PostgreSQL at 127.0.0.1:5432 on every request. */
export function needsPostgres(id: InstructionScenario): boolean {
  return 'postgres' in instructionScenarios[id]
}

/** Whether scenario `id` logs in first and reads that session on every request. */
export function logsIn(id: InstructionScenario): boolean {
  return 'session' in instructionScenarios[id]
}

/** Whether `id` names a scenario. */
export function isInstructionScenario(id: string): id is InstructionScenario {
  return Object.hasOwn(instructionScenarios, id)
}
