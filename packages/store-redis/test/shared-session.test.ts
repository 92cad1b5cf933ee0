import { randomBytes } from 'node:crypto'
import { RedisStore } from '@tessera/store-redis'
import { Redis } from 'ioredis'
import { describe, it } from 'vitest'
import { pingRedis } from '../../../test-support/redis-ping.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { sharedRedeemRace } from '../../../test-support/shared-redeem-race.js'

const REDIS = new URL(process.env.TESSERA_REDIS_URL || 'redis://127.0.0.1:6379')
const pong = await pingRedis(REDIS.hostname, Number(REDIS.port || 6379))
const gate = serviceGate('redis', pong === null, `no PONG from ${REDIS.host}: ${pong}`)

describe.skipIf(gate.skip)('shared sessions on Redis (django-shared-session)', () => {
  it('two app instances, two clients, one Redis: of 8 concurrent redemptions of one code, exactly one wins', async () => {
    const prefix = `tessera-test:shared:${randomBytes(4).toString('hex')}:`
    const clients = [0, 1].map(
      () => new Redis({ host: REDIS.hostname, port: Number(REDIS.port || 6379) }),
    )
    try {
      await sharedRedeemRace([
        new RedisStore({ client: clients[0] as Redis, prefix }),
        new RedisStore({ client: clients[1] as Redis, prefix }),
      ])
    } finally {
      const keys = await (clients[0] as Redis).keys(`${prefix}*`)
      if (keys.length) await (clients[0] as Redis).del(...keys)
      for (const client of clients) client.disconnect()
    }
  })
})
