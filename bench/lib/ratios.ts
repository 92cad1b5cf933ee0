import type { Measurement } from './measure.js'
import type { Target, TargetId } from './targets.js'
import type { Phase } from './write-path.js'

/**
 * One target's fate on one path in a run: a trusted measurement, why there is none (a
 * failure fails the run), or why it was not run at all (a skip does not, e.g. `redis
 * unreachable`). `phase` is absent for the read path.
 */
export type Outcome = { target: Target; phase?: Phase } & (
  | { measurement: Measurement }
  | { failure: string }
  | { skipped: string }
)

/** The ratios the bench exists for; `null` when either side was not measured in this run. */
export interface Ratios {
  tesseraVsNodeHttp: number | null
  tesseraVsExpressSession: number | null
  tesseraVsFastifySession: number | null
  tesseraRedisVsNodeHttp: number | null
  tesseraRedisVsExpressSessionRedis: number | null
  tesseraRedisVsFastifySessionRedis: number | null
  /** Tessera on Express vs express-session, both on their memory stores. */
  tesseraExpressVsExpressSession: number | null
  /** Tessera on Fastify vs @fastify/session, both on their memory stores. */
  tesseraFastifyVsFastifySession: number | null
  /** Tessera on Express vs express-session + connect-redis, on the same Redis. */
  tesseraExpressRedisVsExpressSessionRedis: number | null
  /** Tessera on Fastify vs @fastify/session + connect-redis, on the same Redis. */
  tesseraFastifyRedisVsFastifySessionRedis: number | null
  tesseraJwtEddsaVsNodeHttp: number | null
  tesseraJwtEs256VsNodeHttp: number | null
}

/**
 * Requests per second of a target on `phase` in this run, or null if it failed, was
 * skipped or not selected.
 */
export function rateOf(
  outcomes: readonly Outcome[],
  id: TargetId,
  phase: Phase = 'read',
): number | null {
  const outcome = outcomes.find((o) => o.target.id === id && (o.phase ?? 'read') === phase)
  return outcome && 'measurement' in outcome ? outcome.measurement.requestsPerSecond : null
}

/** `a / b`, or null when either is missing or `b` is zero. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b
}

export function ratios(outcomes: readonly Outcome[]): Ratios {
  const tessera = rateOf(outcomes, 'tessera-hono')
  const tesseraRedis = rateOf(outcomes, 'tessera-hono-redis')
  return {
    tesseraVsNodeHttp: ratio(tessera, rateOf(outcomes, 'node-http')),
    tesseraVsExpressSession: ratio(tessera, rateOf(outcomes, 'express-session')),
    tesseraVsFastifySession: ratio(tessera, rateOf(outcomes, 'fastify-session')),
    tesseraRedisVsNodeHttp: ratio(tesseraRedis, rateOf(outcomes, 'node-http')),
    tesseraRedisVsExpressSessionRedis: ratio(
      tesseraRedis,
      rateOf(outcomes, 'express-session-redis'),
    ),
    tesseraRedisVsFastifySessionRedis: ratio(
      tesseraRedis,
      rateOf(outcomes, 'fastify-session-redis'),
    ),
    tesseraJwtEddsaVsNodeHttp: ratio(
      rateOf(outcomes, 'tessera-hono-jwt-eddsa'),
      rateOf(outcomes, 'node-http'),
    ),
    tesseraJwtEs256VsNodeHttp: ratio(
      rateOf(outcomes, 'tessera-hono-jwt-es256'),
      rateOf(outcomes, 'node-http'),
    ),
    ...adapterRatios(outcomes),
  }
}

/** Each Tessera adapter against its peer on the same store. */
function adapterRatios(outcomes: readonly Outcome[]) {
  const pair = (tessera: TargetId, peer: TargetId) =>
    ratio(rateOf(outcomes, tessera), rateOf(outcomes, peer))
  return {
    tesseraExpressVsExpressSession: pair('tessera-express', 'express-session'),
    tesseraFastifyVsFastifySession: pair('tessera-fastify', 'fastify-session'),
    tesseraExpressRedisVsExpressSessionRedis: pair(
      'tessera-express-redis',
      'express-session-redis',
    ),
    tesseraFastifyRedisVsFastifySessionRedis: pair(
      'tessera-fastify-redis',
      'fastify-session-redis',
    ),
  }
}
