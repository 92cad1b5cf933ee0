import type { Measurement } from '../../lib/measure.js'
import type { Outcome } from '../../lib/ratios.js'
import { type TargetId, targetById } from '../../lib/targets.js'
import type { Phase } from '../../lib/write-path.js'

/**
 * A clean measurement of `target` at `requestsPerSecond` on `phase` (the read path when
 * absent), as the bench records one: for tests of the tables, goals and rounds, which
 * need outcomes without servers. `p50Ms` lets a test tell two measurements apart.
 *
 * @example
 * ```ts
 * formatTable([measuredOutcome('node-http', 2000), measuredOutcome('hono', 1000)])
 * ```
 */
export function measuredOutcome(
  target: TargetId,
  requestsPerSecond: number,
  phase?: Exclude<Phase, 'read'>,
  p50Ms = 3,
): Outcome {
  const measurement: Measurement = {
    requestsPerSecond,
    p50Ms,
    p99Ms: 9,
    latencyAverageMs: 4,
    responses2xx: 100,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    mismatches: 0,
    durationSeconds: 1,
  }
  return { target: targetById(target), ...(phase === undefined ? {} : { phase }), measurement }
}
