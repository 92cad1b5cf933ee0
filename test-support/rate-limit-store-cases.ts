import { randomBytes } from 'node:crypto'
import { MemoryRateLimitStore, type RateLimitStore } from '@tessera/core'
import { RedisRateLimitStore } from '@tessera/store-redis'
import { Redis } from 'ioredis'
import { deleteRedisKeys } from './delete-redis-keys.js'
import { redisGates } from './redis-gates.js'

/** One row of {@link rateLimitStoreCases}: a name, whether to skip, and a fresh store. */
export type RateLimitStoreCase = [name: string, skip: boolean, make: () => RateLimitStore]

/**
 * The rate-limit stores a throttle test runs on, for `describe.each`: memory, and a real
 * Redis (skipped, saying so, without one; a failure with `TESSERA_REQUIRE_SERVICES=1`),
 * each store under a key prefix of its own below `tessera-test:<label>:<run>:`.
 * `cleanUp` (for `afterAll`) deletes every key under it and disconnects.
 */
export async function rateLimitStoreCases(
  label: string,
): Promise<{ cases: RateLimitStoreCase[]; cleanUp(): Promise<void> }> {
  const prefix = `tessera-test:${label}:${randomBytes(4).toString('hex')}:`
  const { host, port, gate } = await redisGates()
  const redis = gate.skip ? null : new Redis({ host, port, lazyConnect: true })
  let made = 0
  return {
    cases: [
      ['memory', false, () => new MemoryRateLimitStore()],
      [
        'redis',
        gate.skip,
        () => new RedisRateLimitStore({ client: redis as Redis, prefix: `${prefix}${made++}:` }),
      ],
    ],
    async cleanUp() {
      if (!redis) return
      await deleteRedisKeys(redis, prefix)
      redis.disconnect()
    },
  }
}
