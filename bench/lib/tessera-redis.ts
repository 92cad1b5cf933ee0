import { SessionManager } from '@tessera/core'
import { RedisStore } from '@tessera/store-redis'
import { connectBenchRedis } from './bench-redis-client.js'
import { benchSecret } from './bench-secret.js'
import { deleteKeysWithPrefix, redisPrefix } from './redis.js'

/**
 * A `SessionManager` over `RedisStore` on the shared Redis at 127.0.0.1:6379, for the
 * Tessera targets on Redis (Hono, Express, Fastify): ioredis with `enableOfflineQueue:
 * false` as the store's README recommends, keys under this target's and process's own
 * prefix. `cleanup` deletes those keys (SCAN + DEL) and closes the connection; pass it
 * to `reportListening`.
 *
 * @example
 * ```ts
 * const { manager, cleanup } = await tesseraOnRedis('tessera-express-redis')
 * ```
 */
export async function tesseraOnRedis(
  targetId: string,
): Promise<{ manager: SessionManager; cleanup: () => Promise<void> }> {
  const prefix = redisPrefix(targetId)
  const redis = await connectBenchRedis()
  const manager = new SessionManager({
    store: new RedisStore({ client: redis, prefix }),
    secret: benchSecret,
  })
  const cleanup = async (): Promise<void> => {
    await deleteKeysWithPrefix(
      prefix,
      (cursor, match) => redis.scan(cursor, 'MATCH', match, 'COUNT', 250),
      (keys) => redis.del(...keys),
    )
    await redis.quit()
  }
  return { manager, cleanup }
}
