import { randomBytes } from 'node:crypto'
import { SessionManager, type SessionRecord, type SessionStore, TieredStore } from '@tessera/core'
import { PostgresStore } from '@tessera/store-postgres'
import { RedisStore } from '@tessera/store-redis'
import { describeSessionStore, ManualClock, makeRecord } from '@tessera/testing'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { answerNow } from '../../../test-support/answer-now.js'
import { hundredWriters } from '../../../test-support/hundred-writers.js'
import { pingRedis as ping } from '../../../test-support/redis-ping.js'
import { serviceGate } from '../../../test-support/require-service.js'

// RedisStore (cache) in front of PostgresStore (primary), both on real servers.
const REDIS = new URL(process.env.TESSERA_REDIS_URL || 'redis://127.0.0.1:6379')
const REDIS_HOST = REDIS.hostname
const REDIS_PORT = Number(REDIS.port || 6379)
const POSTGRES = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SECRET = 'test-secret-test-secret-test-secret-0123'

const pong = await ping(REDIS_HOST, REDIS_PORT)
const redisGate = serviceGate(
  'redis',
  pong === null,
  `no PONG from ${REDIS_HOST}:${REDIS_PORT}: ${pong}`,
)
const failure = await probe(POSTGRES)
const postgresGate = serviceGate(
  'postgresql',
  failure === null,
  `cannot connect to ${POSTGRES}: ${failure}`,
)

// Every Redis key starts with this root and every table lives in this schema: both go
// when the file ends, so a crashed run is easy to find and clean.
const tag = randomBytes(4).toString('hex')
const root = `tessera-test:tiered:${tag}:`
const schema = `tessera_test_tiered_${tag}`
let counter = 0
const fresh = (): { prefix: string; table: string } => {
  const n = ++counter
  return { prefix: `${root}${n}:`, table: `${schema}.t${n}` }
}

describe.skipIf(redisGate.skip || postgresGate.skip)('tiered (redis over postgresql)', () => {
  const clients: Redis[] = []
  const pools: pg.Pool[] = []
  const connect = (): { client: Redis; pool: pg.Pool } => {
    const client = new Redis({ host: REDIS_HOST, port: REDIS_PORT })
    const pool = new pg.Pool({ connectionString: POSTGRES, max: 20 })
    // An idle client that loses its connection emits 'error'; unhandled, it kills the run.
    pool.on('error', () => undefined)
    clients.push(client)
    pools.push(pool)
    return { client, pool }
  }
  let app: { client: Redis; pool: pg.Pool }

  /** One app instance's store: its own Redis client and pg pool, shared keys and table. */
  const tiered = (
    on: { client: Redis; pool: pg.Pool },
    where: { prefix: string; table: string },
    clock?: ManualClock,
  ): TieredStore =>
    new TieredStore({
      cache: new RedisStore({ client: on.client, prefix: where.prefix, clock: clock?.now }),
      primary: new PostgresStore({ pool: on.pool, table: where.table, clock: clock?.now }),
    })

  beforeAll(async () => {
    app = connect()
    await app.pool.query(`CREATE SCHEMA "${schema}"`)
  })
  afterAll(async () => {
    await app.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await deleteKeys(app.client, root)
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())))
    await Promise.all(pools.map((p) => p.end()))
  })

  describeSessionStore('tiered (redis over postgresql)', () => {
    const clock = new ManualClock()
    const where = fresh()
    return {
      store: tiered(app, where, clock),
      clock,
      teardown: async () => {
        await deleteKeys(app.client, where.prefix)
        await app.pool.query(`DROP TABLE IF EXISTS ${where.table}`)
      },
    }
  })

  it('100 concurrent writers to one session through SessionManager: all keys land', async () => {
    await hundredWriters(tiered(app, fresh()), 'tiered')
  })

  it('two app instances: log in through one, read and revoke through the other', async () => {
    const where = fresh()
    const one = new SessionManager({ store: tiered(app, where), secret: SECRET })
    const two = new SessionManager({ store: tiered(connect(), where), secret: SECRET })

    const login = one.open({ cookie: undefined, secure: false })
    await login.setUser('alice')
    await login.set('cart', [1, 2])
    const cookie = ((await one.commit(login)).setCookie[0] as string).split(';')[0] as string

    // Both instances read it; the second read of each is a cache hit.
    for (const manager of [two, one, two]) {
      const session = manager.open({ cookie, secure: false })
      expect(await session.getUserId()).toBe('alice')
      expect(await session.get('cart')).toEqual([1, 2])
    }
    const id = await onlySessionOf(app.pool, where.table, 'alice')
    expect(await app.client.exists(`${where.prefix}s:{${id}}`)).toBe(1)

    // Revoke (log out) through the second instance.
    const logout = two.open({ cookie, secure: false })
    await logout.flush()
    await two.commit(logout)

    const after = one.open({ cookie, secure: false })
    expect(await after.getUserId()).toBeNull()
    expect(await after.get('cart')).toBeUndefined()
    expect(await app.client.exists(`${where.prefix}s:{${id}}`)).toBe(0)
    const { rowCount } = await app.pool.query(`SELECT 1 FROM ${where.table}`)
    expect(rowCount).toBe(0)
  })

  it('two app instances: "log out everywhere" through one is seen at once by the other', async () => {
    const where = fresh()
    const storeOne = tiered(app, where)
    const storeTwo = tiered(connect(), where)
    const one = new SessionManager({ store: storeOne, secret: SECRET })
    const two = new SessionManager({ store: storeTwo, secret: SECRET })
    const cookies: string[] = []
    for (let i = 0; i < 3; i++) {
      const login = one.open({ cookie: undefined, secure: false })
      await login.setUser('bob')
      cookies.push(((await one.commit(login)).setCookie[0] as string).split(';')[0] as string)
    }
    for (const cookie of cookies) {
      expect(await two.open({ cookie, secure: false }).getUserId()).toBe('bob') // cached
    }
    expect(await storeOne.deleteByUser('bob')).toBe(3)
    for (const cookie of cookies) {
      expect(await two.open({ cookie, secure: false }).getUserId()).toBeNull()
    }
    expect(await storeTwo.listByUser('bob')).toEqual([])
  })

  it('with clientSideCache: a kept session loads with no round trip; another instance\'s "log out everywhere" is seen once the invalidation arrives', async () => {
    const where = fresh()
    const on = connect()
    // maxAgeMs at 60 s: only Redis's invalidation can explain a dropped copy below.
    const cache = new RedisStore({
      client: on.client,
      prefix: where.prefix,
      clientSideCache: { maxAgeMs: 60_000 },
    })
    const store = new TieredStore({
      cache,
      primary: new PostgresStore({ pool: on.pool, table: where.table }),
    })
    const two = tiered(connect(), where) // another instance, without the cache
    try {
      await until(() => cache.clientSideCacheStatus === 'live')
      const one = new SessionManager({ store, secret: SECRET })
      const other = new SessionManager({ store: two, secret: SECRET })
      const login = other.open({ cookie: undefined, secure: false })
      await login.setUser('dana')
      const cookie = ((await other.commit(login)).setCookie[0] as string).split(';')[0] as string
      const id = await onlySessionOf(on.pool, where.table, 'dana')

      expect(answerNow(store, id)).toBeUndefined() // not kept yet: only the primary may say "gone"
      await until(async () => {
        await store.getShared(id)
        return answerNow(store, id) !== undefined
      })
      expect(answerNow(store, id)?.userId).toBe('dana')
      // Loaded through the manager, the kept session costs no command on the app's client.
      let commands = 0
      const sendCommand = on.client.sendCommand.bind(on.client)
      on.client.sendCommand = (...args) => {
        commands++
        return sendCommand(...args)
      }
      expect(await one.open({ cookie, secure: false }).getUserId()).toBe('dana')
      expect(commands).toBe(0)
      on.client.sendCommand = sendCommand

      expect(await two.deleteByUser('dana')).toBe(1)
      await until(() => answerNow(store, id) === undefined)
      expect(await one.open({ cookie, secure: false }).getUserId()).toBeNull()
      expect(await store.getShared(id)).toBeNull()
    } finally {
      await cache.close()
    }
  })

  it('a revocation between the primary read and the cache populate never resurrects', async () => {
    const where = fresh()
    const cacheOne = new RedisStore({ client: app.client, prefix: where.prefix })
    const primaryOne = new PostgresStore({ pool: app.pool, table: where.table })
    const other = connect()
    const two = tiered(other, where)
    const record = makeRecord({ userId: 'carol' })
    await primaryOne.create(record) // in PostgreSQL only: the next read populates Redis
    // RedisStore keeps private fields, so wrap it by delegation rather than by prototype.
    const cache: SessionStore = {
      get: (id) => cacheOne.get(id),
      create: async (r: SessionRecord) => {
        await two.delete(r.id) // the revocation lands after our primary read
        return cacheOne.create(r)
      },
      update: (r, v) => cacheOne.update(r, v),
      touch: (id, seen, idle, version) => cacheOne.touch(id, seen, idle, version),
      delete: (id) => cacheOne.delete(id),
      listByUser: (u) => cacheOne.listByUser(u),
      deleteByUser: (u, e) => cacheOne.deleteByUser(u, e),
      deleteExpired: () => cacheOne.deleteExpired(),
    }
    const one = new TieredStore({ cache, primary: primaryOne })
    expect(await one.get(record.id)).toBeNull()
    expect(await cacheOne.get(record.id)).toBeNull()
    expect(await two.get(record.id)).toBeNull()
  })
})

/** Polls `condition` every 5 ms until it holds (vitest's `waitUntil`); fails after 5 s. */
const until = (condition: () => boolean | Promise<boolean>): Promise<true> =>
  vi.waitUntil(condition, { timeout: 5000, interval: 5 })

/** The id of the one session row `userId` has in `table`. */
async function onlySessionOf(pool: pg.Pool, table: string, userId: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM ${table} WHERE user_id = $1`, [
    userId,
  ])
  expect(rows).toHaveLength(1)
  return (rows[0] as { id: string }).id
}

/** Deletes every key under `prefix` (SCAN + UNLINK). */
async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    cursor = next
    if (keys.length > 0) await client.unlink(...keys)
  } while (cursor !== '0')
}

/** `null` when PostgreSQL at `url` answered `SELECT 1`, else why not. */
async function probe(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return (error as Error).message || String(error)
  } finally {
    await client.end().catch(() => undefined)
  }
}
