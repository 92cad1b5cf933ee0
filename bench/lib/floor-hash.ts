import type { Redis } from 'ioredis'
import { connectBenchRedis } from './bench-redis-client.js'
import { redisPrefix } from './redis.js'

/** The session-shaped hash a Redis floor reads on every request, written for one target. */
export interface FloorHash {
  /** The client that wrote it (the Tessera Redis targets' options): `openFloorRedisRead` reads through it. */
  redis: Redis
  /** Its key, under the target's own prefix. */
  key: string
  /** The fields `RedisStore` reads of a session, in its order. */
  fields: readonly string[]
  /** The user of the `rec` field as read: `rec` parsed as JSON, as the store parses it. */
  user(rec: string | null): string
  /** Deletes the hash and closes the client (the server's clean-up on exit). */
  remove(): Promise<void>
}

/**
 * Writes the one hash every Redis floor reads, shaped as `RedisStore` keeps a session
 * (`rec`, `seen`, `idle`, `abs`), so that the floors (through ioredis or through a bare
 * socket) read the same bytes.
 *
 * @example
 * ```ts
 * const hash = await writeFloorHash('hono-redis-floor')
 * const [rec] = await hash.redis.hmget(hash.key, ...hash.fields)
 * hash.user(rec) // 'bench'
 * ```
 */
export async function writeFloorHash(target: string): Promise<FloorHash> {
  const key = `${redisPrefix(target)}session`
  const redis = await connectBenchRedis()
  const row = { rec: JSON.stringify({ user: 'bench' }), seen: '0', idle: '0', abs: '0' }
  await redis.hset(key, row)
  return {
    redis,
    key,
    fields: Object.keys(row),
    user: (rec) => (JSON.parse(rec ?? '{}') as { user: string }).user,
    async remove() {
      await redis.del(key)
      await redis.quit()
    },
  }
}
