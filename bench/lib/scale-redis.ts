import { randomBytes } from 'node:crypto'
import type { SessionRecord } from '@tessera/core'
import { RedisStore } from '@tessera/store-redis'
import { Redis } from 'ioredis'
import { connectRedisStore } from './connect-redis-store.js'
import { fillStore } from './fill-store.js'
import { deleteKeysWithPrefix, redisHost, redisPort, redisPrefix, redisUrl } from './redis.js'
import { runClearsessions } from './run-clearsessions.js'
import { type Clearing, createMany, type Footprint } from './scale-result.js'

const inFlight = 100

/**
 * Redis at scale, on the shared Redis under this process's own prefixes (deleted with
 * SCAN + DEL afterwards; never FLUSHALL): the growth of `used_memory` per live session for
 * Tessera's RedisStore and for connect-redis holding what express-session stores after a
 * login, then `tessera clearsessions` after `sessions` sessions of 1,000 users (who each
 * keep one live session) have expired: Redis ends the keys itself, the command prunes
 * the entries they leave in the per-user indexes. Other
 * users of the same Redis move `used_memory` too: at 100k sessions their noise is small
 * against the total, but it is not zero.
 */
export async function redisScale(
  template: SessionRecord,
  sessions: number,
): Promise<{ footprints: Footprint[]; clearing: Clearing }> {
  const redis = new Redis({ host: redisHost, port: redisPort, lazyConnect: true })
  await redis.connect()
  const prefix = redisPrefix('scale')
  const cleanup = () =>
    deleteKeysWithPrefix(
      prefix,
      (cursor, match) => redis.scan(cursor, 'MATCH', match, 'COUNT', 1000),
      (keys) => redis.del(...keys),
    )
  try {
    const now = Date.now()
    const store = new RedisStore({ client: redis, prefix, clock: () => now })
    const tessera = await memoryGrowth(redis, () =>
      fillStore(store, template, { sessions, createdAt: now, inFlight, label: 'redis live' }),
    )
    await cleanup()
    const connectRedis = await connectRedisGrowth(redis, sessions)

    // Redis ends expired session keys itself; what clearsessions has to clean is the entries
    // they leave in the per-user indexes. So: `users` users who each keep one live session
    // (their index stays), and `sessions` sessions spread over them that expire after 3 s.
    const users = Math.min(1_000, sessions)
    await fillStore(store, template, {
      sessions: users,
      createdAt: now,
      inFlight,
      label: 'redis users',
    })
    const label = 'redis expiring'
    await fillStore(store, template, {
      sessions,
      createdAt: now,
      inFlight,
      label,
      lifeMs: 3_000,
      users,
    })
    await new Promise((resolve) => setTimeout(resolve, 4_000))
    const clearing = await runClearsessions('tessera redis', sessions, [
      '--store',
      redisUrl,
      '--prefix',
      prefix,
    ])
    return {
      footprints: [
        { store: 'tessera redis', sessions, bytes: tessera, how: 'used_memory growth' },
        { store: 'connect-redis', sessions, bytes: connectRedis, how: 'used_memory growth' },
      ],
      clearing,
    }
  } finally {
    await cleanup()
    await redis.quit()
  }
}

/** connect-redis (over node-redis) holding `sessions` sessions shaped as express-session saves a login. */
async function connectRedisGrowth(redis: Redis, sessions: number): Promise<number> {
  const { store, cleanup } = await connectRedisStore('scale-connect-redis')
  try {
    return await memoryGrowth(redis, () =>
      createMany(
        sessions,
        inFlight,
        // express-session's default cookie (no maxAge: connect-redis's one-day TTL) and a user.
        (i) =>
          store.set(randomBytes(24).toString('base64url'), {
            cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' },
            user: `scale-user-${i}`,
          }),
        'connect-redis live',
      ),
    )
  } finally {
    await cleanup()
  }
}

async function memoryGrowth(redis: Redis, fill: () => Promise<void>): Promise<number> {
  const before = await usedMemory(redis)
  await fill()
  return (await usedMemory(redis)) - before
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory')
  const value = /^used_memory:(\d+)/m.exec(info)?.[1]
  if (value === undefined) throw new Error('INFO memory has no used_memory line')
  return Number(value)
}
