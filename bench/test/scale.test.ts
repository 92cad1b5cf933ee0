// Smoke test of `npm run bench:scale` on a few sessions: each store reports a footprint,
// `tessera clearsessions` deletes (or, on Redis, prunes) exactly the expired ones, and
// nothing of the bench is left in the shared Redis or PostgreSQL. No timing thresholds.
import { Redis } from 'ioredis'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { probePostgres } from '../../test-support/postgres-probe.js'
import { serviceGate } from '../../test-support/require-service.js'
import { benchTableExists, postgresUrl } from '../lib/postgres.js'
import { redisHost, redisPort, redisPrefix, redisReachable } from '../lib/redis.js'
import { postgresScale } from '../lib/scale-postgres.js'
import { loggedInRecord } from '../lib/scale-record.js'
import { redisScale } from '../lib/scale-redis.js'
import { sqliteScale } from '../lib/scale-sqlite.js'

const sessions = 120
const template = await loggedInRecord()
const redisGate = serviceGate('redis', await redisReachable(), 'no Redis at 127.0.0.1:6379')
const postgresDown = await probePostgres(postgresUrl)
const postgresGate = serviceGate('postgres', postgresDown === null, postgresDown ?? '')

describe('bench:scale', () => {
  it('stores a logged-in record template: a user, an auth hash, a credential hash', () => {
    expect(template.userId).toBe('user-1')
    expect(template.authHash).toEqual(expect.any(String))
    expect(Object.keys(template.credentials)).toEqual(['cookie'])
  })

  it('sqlite: a file size per session, and clearsessions deletes every expired session', async () => {
    const { footprint, clearing } = await sqliteScale(template, sessions)
    expect(footprint).toMatchObject({ store: 'tessera sqlite', sessions })
    expect(footprint.bytes).toBeGreaterThan(0)
    expect(clearing.said).toMatch(new RegExp(`^deleted ${sessions} expired sessions from sqlite:`))
  })

  it.skipIf(redisGate.skip)(
    'redis: Tessera and connect-redis memory growth, index pruning, and no key left behind',
    async () => {
      const { footprints, clearing } = await redisScale(template, sessions)
      expect(footprints.map((f) => f.store)).toEqual(['tessera redis', 'connect-redis'])
      expect(clearing.said).toContain(`Removed ${sessions} stale user-index entries`)
      const redis = new Redis({ host: redisHost, port: redisPort })
      try {
        const left: string[] = []
        for (const prefix of [redisPrefix('scale'), redisPrefix('scale-connect-redis')]) {
          for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) {
            left.push(...(keys as string[]))
          }
        }
        expect(left).toEqual([])
      } finally {
        await redis.quit()
      }
    },
    60_000,
  )

  it.skipIf(postgresGate.skip)(
    'postgres: table and index size, clearsessions on its own table, both tables dropped',
    async () => {
      const { footprint, clearing } = await postgresScale(template, sessions)
      expect(footprint.bytes).toBeGreaterThan(0)
      expect(clearing.said).toMatch(
        new RegExp(`^deleted ${sessions} expired sessions from postgres`),
      )
      const client = new pg.Client({ connectionString: postgresUrl })
      await client.connect()
      try {
        expect(await benchTableExists(client, `tessera_bench_scale_${process.pid}`)).toBe(false)
      } finally {
        await client.end()
      }
    },
    60_000,
  )
})
