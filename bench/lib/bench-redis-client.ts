import { Redis } from 'ioredis'
import { redisHost, redisPort } from './redis.js'

/**
 * An ioredis client on the shared Redis at 127.0.0.1:6379, connected, with the options
 * `RedisStore`'s README recommends (`enableOfflineQueue: false`: fail fast while Redis is
 * down instead of queueing). Every Redis-backed target of ours uses it, so the Tessera
 * targets and the `hono-redis-floor` target read Redis through the same client settings.
 *
 * @example
 * ```ts
 * const redis = await connectBenchRedis()
 * ```
 */
export async function connectBenchRedis(): Promise<Redis> {
  const redis = new Redis({
    host: redisHost,
    port: redisPort,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  })
  await redis.connect()
  return redis
}
