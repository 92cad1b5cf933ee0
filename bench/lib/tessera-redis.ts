import { SessionManager } from '@tessera/core'
import { RedisStore } from '@tessera/store-redis'
import { connectBenchRedis } from './bench-redis-client.js'
import { benchSecret } from './bench-secret.js'
import { deleteKeysWithPrefix, redisPrefix } from './redis.js'

/**
 * A `SessionManager` over `RedisStore` on the shared Redis at 127.0.0.1:6379, for the
 * Tessera targets on Redis (Hono, Express, Fastify): ioredis with `enableOfflineQueue:
 * false` as the store's README recommends, keys under this target's and process's own
 * prefix; `clientSideCache` turns on the store's option of that name (the `-cached`
 * targets); `clock`, when given, is the store's and the manager's (the instruction
 * count's clock that stands still). `cleanup` deletes those keys (SCAN + DEL) and closes
 * the store and the connection; pass it to `reportListening`.
 *
 * @example
 * ```ts
 * const { manager, cleanup } = await tesseraOnRedis('tessera-express-redis')
 * const cached = await tesseraOnRedis('tessera-express-redis-cached', { clientSideCache: true })
 * ```
 */
export async function tesseraOnRedis(
  targetId: string,
  { clientSideCache = false, clock }: { clientSideCache?: boolean; clock?: () => number } = {},
): Promise<{ manager: SessionManager; cleanup: () => Promise<void> }> {
  const prefix = redisPrefix(targetId)
  const redis = await connectBenchRedis()
  const store = new RedisStore({ client: redis, prefix, clientSideCache, clock })
  // Measured once Redis tracks the session keys: the state the store is in for good.
  while (store.clientSideCacheStatus === 'waiting') await new Promise((r) => setTimeout(r, 5))
  if (store.clientSideCacheStatus === 'refused') {
    throw new Error(`Redis refused clientSideCache: ${store.clientSideCacheRefusal}`)
  }
  const manager = new SessionManager({
    store,
    secret: benchSecret,
    clock,
  })
  const cleanup = async (): Promise<void> => {
    await deleteKeysWithPrefix(
      prefix,
      (cursor, match) => redis.scan(cursor, 'MATCH', match, 'COUNT', 250),
      (keys) => redis.del(...keys),
    )
    await store.close()
    await redis.quit()
  }
  return { manager, cleanup }
}
