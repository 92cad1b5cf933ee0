import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryRateLimitStore, type PasswordHasher, type RateLimitStore } from '@tessera/core'
import { PostgresRateLimitStore } from '@tessera/store-postgres'
import { RedisRateLimitStore } from '@tessera/store-redis'
import { SqliteRateLimitStore } from '@tessera/store-sqlite'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { deleteRedisKeys, redisKeysOf } from '../../../test-support/delete-redis-keys.js'
import { probePostgres } from '../../../test-support/postgres-probe.js'
import { redisGates } from '../../../test-support/redis-gates.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { Client } from './client.js'
import { demo } from './fixture.js'

// Parallel bursts of wrong passwords against one account from one client, over HTTP,
// on every rate-limit store: at most the throttle's limit (5 per account and client)
// may reach the password hasher. Checking the limit first and counting failures after
// the hasher answered let every request of a burst through.

const LIMIT = 5
const BURST = 50
const run = randomBytes(4).toString('hex')

const { host, port, gate: redisGate } = await redisGates()
const PG_URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const pgFailure = await probePostgres(PG_URL)
const pgGate = serviceGate('postgresql', pgFailure === null, `cannot connect: ${pgFailure}`)

const redis = redisGate.skip ? null : new Redis({ host, port, lazyConnect: true })
const pool = pgGate.skip ? null : new pg.Pool({ connectionString: PG_URL, max: 10 })
const tables: string[] = []
let made = 0
afterAll(async () => {
  if (redis) {
    await deleteRedisKeys(redis, `tessera-test:burst:${run}:`)
    redis.disconnect()
  }
  if (pool) {
    for (const table of tables) await pool.query(`DROP TABLE IF EXISTS ${table}`)
    await pool.end()
  }
})

/** Each test gets fresh counters: a new store, or a new prefix or table on the shared server. */
const STORES: Array<[name: string, skip: boolean, make: () => RateLimitStore]> = [
  ['memory', false, () => new MemoryRateLimitStore()],
  ['sqlite', false, () => new SqliteRateLimitStore({ path: ':memory:' })],
  [
    'redis',
    redisGate.skip,
    () =>
      new RedisRateLimitStore({
        client: redis as Redis,
        prefix: `tessera-test:burst:${run}:${made++}:`,
      }),
  ],
  [
    'postgres',
    pgGate.skip,
    () => {
      const table = `rl_burst_${run}_${made++}`
      tables.push(table)
      return new PostgresRateLimitStore({ pool: pool as pg.Pool, table })
    },
  ],
]

/**
 * A hasher whose `verify` calls wait until `open()`, so a test can see how many
 * requests reached the hasher while all of them are still in flight. `changed` fires
 * whenever a call enters, so tests wait for states, never for time.
 */
function holdingHasher() {
  const changed = new EventTarget()
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  const wrap = (inner: PasswordHasher): PasswordHasher => ({
    hash: (password) => inner.hash(password),
    verify: async (password, encoded) => {
      queueMicrotask(() => changed.dispatchEvent(new Event('change')))
      await opened
      return inner.verify(password, encoded)
    },
  })
  /** Resolves once `done()` holds, checking again after every change. */
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!done()) return
        changed.removeEventListener('change', check)
        resolve()
      }
      changed.addEventListener('change', check)
      check()
    })
  return { wrap, open, until, changed }
}

const statuses = (responses: Response[]) => responses.map((r) => r.status)
const countOf = (list: number[], status: number) => list.filter((s) => s === status).length

describe.each(STORES)('a burst of wrong passwords (%s rate-limit store)', (_name, skip, make) => {
  it.skipIf(skip)(
    `${BURST} parallel wrong logins: at most ${LIMIT} reach the hasher, the rest are 429`,
    async () => {
      const { app, counts } = await demo('hono', { rateLimitStore: make() })
      const browser = new Client(app)
      await browser.request('/api/csrf/')
      const answers = statuses(
        await Promise.all(
          Array.from({ length: BURST }, (_, i) =>
            browser.request('/api/login/', { json: { username: 'admin', password: `guess${i}` } }),
          ),
        ),
      )
      expect(counts.verify).toBeLessThanOrEqual(LIMIT)
      expect(countOf(answers, 401)).toBe(counts.verify)
      expect(countOf(answers, 429)).toBe(BURST - counts.verify)
    },
  )

  it.skipIf(skip)('a burst whose last guess is right does not get in', async () => {
    const hold = holdingHasher()
    const { app, counts } = await demo('hono', { rateLimitStore: make(), wrapHasher: hold.wrap })
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    const refused: Response[] = []
    const wrong = Array.from({ length: 29 }, (_, i) =>
      browser
        .request('/api/login/', { json: { username: 'admin', password: `guess${i}` } })
        .then((res) => {
          if (res.status === 429) refused.push(res)
          hold.changed.dispatchEvent(new Event('change'))
          return res
        }),
    )
    // Every wrong guess is either held in the hasher or already refused.
    await hold.until(() => counts.verify + refused.length === 29)
    expect(counts.verify).toBeLessThanOrEqual(LIMIT)
    const right = await browser.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
    })
    hold.open()
    const answers = statuses(await Promise.all(wrong))
    expect(right.status).toBe(429)
    expect(countOf(answers, 401)).toBe(counts.verify)
    expect(counts.verify).toBeLessThanOrEqual(LIMIT)
    expect(await (await browser.request('/api/me/')).json()).toEqual({ user: null })
  })

  it.skipIf(skip)(
    `${BURST} parallel wrong re-authentications: at most ${LIMIT} reach the hasher`,
    async () => {
      const { app, counts } = await demo('hono', { rateLimitStore: make() })
      const browser = new Client(app)
      expect((await browser.login('admin', 'admin')).status).toBe(200)
      counts.verify = 0
      const answers = statuses(
        await Promise.all(
          Array.from({ length: BURST }, (_, i) =>
            browser.request('/api/reauthenticate/', { json: { password: `guess${i}` } }),
          ),
        ),
      )
      expect(counts.verify).toBeLessThanOrEqual(LIMIT)
      expect(countOf(answers, 400)).toBe(counts.verify)
      expect(countOf(answers, 429)).toBe(BURST - counts.verify)
    },
  )

  it.skipIf(skip)(
    `${BURST} parallel password changes with a wrong old password: at most ${LIMIT} reach the hasher`,
    async () => {
      const { app, counts } = await demo('hono', { rateLimitStore: make() })
      const browser = new Client(app)
      expect((await browser.login('admin', 'admin')).status).toBe(200)
      counts.verify = 0
      counts.hash = 0
      const answers = statuses(
        await Promise.all(
          Array.from({ length: BURST }, (_, i) =>
            browser.request('/api/password/', {
              json: { oldPassword: `guess${i}`, newPassword: 'correct horse battery' },
            }),
          ),
        ),
      )
      expect(counts.verify).toBeLessThanOrEqual(LIMIT)
      expect(counts.hash).toBe(0)
      expect(countOf(answers, 400)).toBe(counts.verify)
      expect(countOf(answers, 429)).toBe(BURST - counts.verify)
    },
  )
})

/** A rate-limit store beside a way to count the counters it keeps, read from outside. */
const COUNTED: Array<
  [name: string, skip: boolean, make: () => { store: RateLimitStore; rows(): Promise<number> }]
> = [
  [
    'sqlite',
    false,
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-rl-'))
      const path = join(dir, 'limits.sqlite3')
      const store = new SqliteRateLimitStore({ path })
      return {
        store,
        rows: async () => {
          const db = new Database(path, { readonly: true })
          const { n } = db.prepare('SELECT count(*) AS n FROM tessera_rate_limits').get() as {
            n: number
          }
          db.close()
          await store.close()
          rmSync(dir, { recursive: true, force: true })
          return n
        },
      }
    },
  ],
  [
    'redis',
    redisGate.skip,
    () => {
      const prefix = `tessera-test:burst:${run}:${made++}:`
      return {
        store: new RedisRateLimitStore({ client: redis as Redis, prefix }),
        rows: async () => (await redisKeysOf(redis as Redis, prefix)).length,
      }
    },
  ],
  [
    'postgres',
    pgGate.skip,
    () => {
      const table = `rl_burst_${run}_${made++}`
      tables.push(table)
      return {
        store: new PostgresRateLimitStore({ pool: pool as pg.Pool, table }),
        rows: async () =>
          Number((await (pool as pg.Pool).query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
      }
    },
  ],
]

describe.each(COUNTED)('logins refused by the throttle (%s rate-limit store)', (_n, skip, make) => {
  it.skipIf(skip)('leave no counter behind, whatever username they name', async () => {
    const { store, rows } = make()
    const { app, counts } = await demo('hono', { rateLimitStore: store })
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    const login = (username: string) =>
      browser.request('/api/login/', { json: { username, password: 'wrong' } })
    // 20 wrong logins, each for another username, fill this client's counter (20 per 15
    // min): one client counter, plus an account and an account-and-client counter each.
    for (let i = 0; i < 20; i++) expect((await login(`user${i}`)).status).toBe(401)
    // Refused before any password check, they must store nothing either: else each 429
    // leaves two counters behind, one request each, as fast as the attacker can send.
    for (let i = 0; i < 100; i++) expect((await login(`spray${i}`)).status).toBe(429)
    // Unknown users: each 401 cost one dummy hash, each 429 none.
    expect(counts.hash + counts.verify).toBe(20)
    expect(await rows()).toBe(1 + 20 * 2)
  })
})
