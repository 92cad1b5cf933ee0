import { fileURLToPath } from 'node:url'

export type TargetId =
  | 'node-http'
  | 'hono'
  | 'tessera-hono'
  | 'express-session'
  | 'fastify-session'
  | 'tessera-hono-redis'
  | 'express-session-redis'
  | 'fastify-session-redis'
  // Tessera's Express and Fastify adapters, each against its peer on the same store.
  | 'tessera-express'
  | 'tessera-fastify'
  | 'tessera-express-redis'
  | 'tessera-fastify-redis'
  | 'tessera-hono-jwt-eddsa'
  | 'tessera-hono-jwt-es256'

/** One server the bench can measure. */
export interface Target {
  /** The name used in BENCH_TARGETS and in results/latest.json; also the file name in servers/. */
  id: TargetId
  /** The name printed in the table. */
  label: string
  /** Absolute path of the server file. */
  file: string
  /** Whether setup must log in (GET /login) and every measured request carry the cookie. */
  session: boolean
  /** Whether the server needs the Redis at 127.0.0.1:6379; skipped when it is unreachable. */
  redis: boolean
}

const serverFile = (id: TargetId): string =>
  fileURLToPath(new URL(`../servers/${id}.ts`, import.meta.url))

/** Every target, in the order the table prints them. */
export const targets: readonly Target[] = [
  {
    id: 'node-http',
    label: 'node:http',
    file: serverFile('node-http'),
    session: false,
    redis: false,
  },
  { id: 'hono', label: 'hono', file: serverFile('hono'), session: false, redis: false },
  {
    id: 'tessera-hono',
    label: 'tessera (hono + sqlite)',
    file: serverFile('tessera-hono'),
    session: true,
    redis: false,
  },
  {
    id: 'express-session',
    label: 'express-session (memory)',
    file: serverFile('express-session'),
    session: true,
    redis: false,
  },
  {
    id: 'fastify-session',
    label: '@fastify/session (memory)',
    file: serverFile('fastify-session'),
    session: true,
    redis: false,
  },
  {
    id: 'tessera-hono-redis',
    label: 'tessera (hono + redis)',
    file: serverFile('tessera-hono-redis'),
    session: true,
    redis: true,
  },
  {
    id: 'express-session-redis',
    label: 'express-session (redis)',
    file: serverFile('express-session-redis'),
    session: true,
    redis: true,
  },
  {
    id: 'fastify-session-redis',
    label: '@fastify/session (redis)',
    file: serverFile('fastify-session-redis'),
    session: true,
    redis: true,
  },
  // Like with like: each Tessera adapter on the same store as its peer (memory vs memory,
  // and the same shared Redis), so the ratio compares the session layers.
  ...(
    [
      ['tessera-express', 'tessera express (memory)', false],
      ['tessera-fastify', 'tessera fastify (memory)', false],
      ['tessera-express-redis', 'tessera express (redis)', true],
      ['tessera-fastify-redis', 'tessera fastify (redis)', true],
    ] as const
  ).map(([id, label, redis]) => ({ id, label, file: serverFile(id), session: true, redis })),
  // JWT session cookies: tessera-hono with format 'jwt', one per algorithm.
  ...(['eddsa', 'es256'] as const).map((alg) => ({
    id: `tessera-hono-jwt-${alg}` as const,
    // Short: the table's target column is 26 wide (hono + sqlite, as tessera-hono).
    label: `tessera jwt ${alg === 'eddsa' ? 'EdDSA' : 'ES256'}`,
    file: serverFile(`tessera-hono-jwt-${alg}`),
    session: true,
    redis: false,
  })),
]

/** Looks a target up by id; throws if there is none (a typo in a test, not user input). */
export function targetById(id: TargetId): Target {
  const target = targets.find((t) => t.id === id)
  if (!target) throw new Error(`unknown target ${id}`)
  return target
}
