import { RedisStore } from 'connect-redis'
import { createClient } from 'redis'
import { deleteKeysWithPrefix, redisPrefix, redisUrl } from './redis.js'

/**
 * connect-redis's `RedisStore` on node-redis (the client connect-redis documents) against
 * the shared Redis, for the peers (express-session, @fastify/session) and the scale
 * script: keys under `targetId`'s and this process's own prefix. `cleanup` deletes those
 * keys (SCAN + DEL, never FLUSHALL) and closes the connection.
 *
 * @example
 * ```ts
 * const { store, cleanup } = await connectRedisStore('express-session-redis')
 * ```
 */
export async function connectRedisStore(targetId: string): Promise<{
  store: RedisStore
  prefix: string
  cleanup: () => Promise<void>
}> {
  const prefix = redisPrefix(targetId)
  const client = createClient({ url: redisUrl, disableOfflineQueue: true })
  await client.connect()
  const cleanup = async (): Promise<void> => {
    await deleteKeysWithPrefix(
      prefix,
      async (cursor, match) => {
        const page = await client.scan(cursor, { MATCH: match, COUNT: 250 })
        return [page.cursor, page.keys]
      },
      (keys) => client.del(keys),
    )
    await client.close()
  }
  return { store: new RedisStore({ client, prefix }), prefix, cleanup }
}
