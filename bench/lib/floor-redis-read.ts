// RedisStore's own cork (not exported by @tessera/store-redis): the floor batches its reads
// exactly as the store does, and follows it if that ever changes.
import { corkUntilTurnEnds } from '../../packages/store-redis/src/lib/cork-until-turn-ends.js'
import { connectBenchRedis } from './bench-redis-client.js'
import { redisPrefix } from './redis.js'

/** One Redis read per request and nothing else, for the `*-redis-floor` targets. */
export interface FloorRedisRead {
  /** Reads the one hash (HMGET, corked until the turn ends) and answers its user. */
  read(): Promise<string>
  /** Deletes the hash and closes the client (the server's clean-up on exit). */
  close(): Promise<void>
}

/**
 * What any session on Redis must do per request, as `RedisStore` does it: one HMGET of a
 * session-shaped hash (`rec`, `seen`, `idle`, `abs`) through the Tessera Redis targets'
 * client (`connectBenchRedis`), with the socket corked until the end of the event-loop
 * turn by store-redis's own `corkUntilTurnEnds`, so the reads of one poll phase reach
 * Redis in one write, and `rec` parsed as JSON. One key under the target's own prefix.
 *
 * @example
 * ```ts
 * const floor = await openFloorRedisRead('hono-redis-floor')
 * const user = await floor.read() // 'bench'
 * ```
 */
export async function openFloorRedisRead(target: string): Promise<FloorRedisRead> {
  const key = `${redisPrefix(target)}session`
  const redis = await connectBenchRedis()
  await redis.hset(key, { rec: JSON.stringify({ user: 'bench' }), seen: '0', idle: '0', abs: '0' })
  return {
    async read() {
      corkUntilTurnEnds(redis)
      const [rec] = await redis.hmget(key, 'rec', 'seen', 'idle', 'abs')
      return (JSON.parse(rec ?? '{}') as { user: string }).user
    },
    async close() {
      await redis.del(key)
      await redis.quit()
    },
  }
}
