import { postgresReachable } from './postgres.js'
import { redisReachable } from './redis.js'
import type { Target } from './targets.js'

// Each service probed once per process, on the first target that needs it.
let redisUp: Promise<boolean> | undefined
let postgresUp: Promise<boolean> | undefined

/**
 * Why `target` (a bench target, or any `{ redis, postgres }` such as an instruction
 * scenario's) cannot run on this machine (`'redis unreachable'`, `'postgres
 * unreachable'`), or `null` when every service it needs answers. The bench then prints
 * the target as skipped and goes on; the run does not fail.
 *
 * @example
 * ```ts
 * const why = await missingService(targetById('tessera-hono-postgres'))
 * if (why) console.log(`SKIPPED: ${why}`)
 * ```
 */
export async function missingService(
  target: Pick<Target, 'redis' | 'postgres'>,
): Promise<string | null> {
  if (target.redis) {
    redisUp ??= redisReachable()
    if (!(await redisUp)) return 'redis unreachable'
  }
  if (target.postgres) {
    postgresUp ??= postgresReachable()
    if (!(await postgresUp)) return 'postgres unreachable'
  }
  return null
}
