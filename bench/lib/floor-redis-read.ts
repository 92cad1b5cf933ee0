// RedisStore's own cork (not exported by @tessera/store-redis): the floor batches its reads
// exactly as the store does, and follows it if that ever changes.
import { corkUntilTurnEnds } from '../../packages/store-redis/src/lib/cork-until-turn-ends.js'
import { writeFloorHash } from './floor-hash.js'
import type { FloorRead } from './floor-read.js'

/**
 * What any session on Redis must do per request, as `RedisStore` does it: one HMGET of a
 * session-shaped hash (`writeFloorHash`: `rec`, `seen`, `idle`, `abs`) through the
 * Tessera Redis targets' client (`connectBenchRedis`), with the socket corked until the
 * end of the event-loop turn by store-redis's own `corkUntilTurnEnds`, so the reads of
 * one poll phase reach Redis in one write, and `rec` parsed as JSON. One key under the
 * target's own prefix.
 *
 * @example
 * ```ts
 * const floor = await openFloorRedisRead('hono-redis-floor')
 * const user = await floor.read() // 'bench'
 * ```
 */
export async function openFloorRedisRead(target: string): Promise<FloorRead> {
  const hash = await writeFloorHash(target)
  return {
    async read() {
      corkUntilTurnEnds(hash.redis)
      const [rec] = await hash.redis.hmget(hash.key, ...hash.fields)
      return hash.user(rec ?? null)
    },
    close: () => hash.remove(),
  }
}
