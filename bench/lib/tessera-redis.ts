import { SessionManager } from '@tessera/core'
import { RedisStore } from '@tessera/store-redis'
import { Redis } from 'ioredis'
import { benchSecret } from './bench-secret.js'
import { deleteKeysWithPrefix, redisHost, redisPort, redisPrefix } from './redis.js'

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
  // As the store's README recommends: fail fast while Redis is down instead of queueing.
  const redis = new Redis({
    host: redisHost,
    port: redisPort,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  })
  await redis.connect()
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
