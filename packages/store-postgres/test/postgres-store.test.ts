import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import { createServer, type Socket } from 'node:net'
import {
  ConfigError,
  SessionManager,
  type SessionRecord,
  type SessionStore,
  StoreError,
  TesseraError,
} from '@tessera/core'
import {
  migrate,
  migrateRateLimits,
  PostgresRateLimitStore,
  PostgresStore,
  type PostgresStoreOptions,
  UnsupportedValueError,
} from '@tessera/store-postgres'
import {
  describeRateLimitStore,
  describeSessionStore,
  ManualClock,
  makeRecord,
} from '@tessera/testing'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkLegacyRecordLoads } from '../../../test-support/legacy-session-record.js'
import { loginBurst } from '../../../test-support/login-burst.js'
import { checkMalformedRecordsRefused } from '../../../test-support/malformed-session-record.js'
import { probePostgres } from '../../../test-support/postgres-probe.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { checkSharedRecordReads } from '../../../test-support/shared-record-reads.js'

const URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SECRET = 'test-secret-test-secret-test-secret-0123'
const failure = await probePostgres(URL)
const gate = serviceGate('postgresql', failure === null, `cannot connect to ${URL}: ${failure}`)

// Everything this file creates lives in one schema of its own, dropped at the end.
const schema = `tessera_test_${randomBytes(6).toString('hex')}`
const pools: pg.Pool[] = []
const newPool = (config: pg.PoolConfig = {}): pg.Pool => {
  const pool = new pg.Pool({ connectionString: URL, max: 20, ...config })
  // An idle client that loses its connection emits 'error'; unhandled, it kills the run.
  pool.on('error', () => undefined)
  pools.push(pool)
  return pool
}
const pool = newPool()
let tables = 0
const freshTable = (prefix = 't'): string =>
  `${schema}.${prefix}${++tables}_${randomBytes(4).toString('hex')}`

afterAll(async () => {
  if (!gate.skip) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await Promise.all(pools.map((p) => p.end()))
})

describe.skipIf(gate.skip)('postgresql store', () => {
  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`)
  })

  // A new table per test: the suite needs an empty store, and tables cost ~10 ms.
  describeSessionStore('postgresql', () => {
    const clock = new ManualClock()
    return { store: new PostgresStore({ pool, table: freshTable(), clock: clock.now }), clock }
  })

  describeRateLimitStore(
    'postgresql',
    () => new PostgresRateLimitStore({ pool, table: freshTable('rl') }),
  )

  it('100 concurrent logins of one user with a cap of 10 leave exactly the 10 newest', async () => {
    await loginBurst(new PostgresStore({ pool, table: freshTable() }), 'burst')
  })

  it('loads a row written before the CSRF secret, login time and JWT claims were record fields', async () => {
    const table = freshTable()
    const [schemaName, name] = table.split('.') as [string, string]
    const quoted = `"${schemaName}"."${name}"`
    await checkLegacyRecordLoads(new PostgresStore({ pool, table }), {
      write: async (id, json) => {
        await pool.query(`UPDATE ${quoted} SET record = $1::jsonb WHERE id = $2`, [json, id])
      },
      read: async (id) => {
        const { rows } = await pool.query(`SELECT record::text AS r FROM ${quoted} WHERE id = $1`, [
          id,
        ])
        return rows[0].r as string
      },
    })
  })

  it('reads a row of the wrong shape planted in the table as a store failure, never a crash', async () => {
    const table = freshTable()
    const [schemaName, name] = table.split('.') as [string, string]
    const quoted = `"${schemaName}"."${name}"`
    await checkMalformedRecordsRefused(new PostgresStore({ pool, table }), {
      write: async (id, json) => {
        await pool.query(`UPDATE ${quoted} SET record = $1::jsonb WHERE id = $2`, [json, id])
      },
      read: async (id) => {
        const { rows } = await pool.query(`SELECT record::text AS r FROM ${quoted} WHERE id = $1`, [
          id,
        ])
        return rows[0].r as string
      },
    })
  })

  describe('schema and migration', () => {
    it('creates the table and its indexes on first use, not before', async () => {
      const table = freshTable()
      const name = table.split('.')[1] as string
      const store = new PostgresStore({ pool, table })
      expect(await relations(name)).toEqual([])
      expect(await store.get('x')).toBeNull()
      expect(await relations(name)).toEqual([
        `${name}_expires_at: CREATE INDEX ${name}_expires_at ON ${schema}.${name} USING btree (expires_at)`,
        `${name}_pkey: CREATE UNIQUE INDEX ${name}_pkey ON ${schema}.${name} USING btree (id)`,
        `${name}_user_id: CREATE INDEX ${name}_user_id ON ${schema}.${name} USING btree (user_id) WHERE (user_id IS NOT NULL)`,
      ])
      const { rows } = await pool.query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        [schema, name],
      )
      expect(rows).toEqual([
        { column_name: 'id', data_type: 'text', is_nullable: 'NO' },
        { column_name: 'user_id', data_type: 'text', is_nullable: 'YES' },
        { column_name: 'expires_at', data_type: 'bigint', is_nullable: 'NO' },
        { column_name: 'version', data_type: 'bigint', is_nullable: 'NO' },
        { column_name: 'record', data_type: 'jsonb', is_nullable: 'NO' },
      ])
    })

    it('is idempotent and safe when 5 stores on 5 pools migrate one new table at once', async () => {
      for (let round = 0; round < 3; round++) {
        const table = freshTable()
        const stores = Array.from(
          { length: 5 },
          () => new PostgresStore({ pool: newPool({ max: 2 }), table }),
        )
        const records = stores.map(() => makeRecord())
        // Each store's first call migrates; a second concurrent call shares the migration.
        const results = await Promise.all(
          stores.flatMap((store, i) => [store.create(records[i] as SessionRecord), store.get('x')]),
        )
        expect(results).toEqual(Array(5).fill([true, null]).flat())
        await migrate(pool, { table })
        await migrate(pool, { table })
        const name = table.split('.')[1] as string
        expect(await relations(name)).toHaveLength(3)
        for (const record of records) expect(await stores[0]?.get(record.id)).toEqual(record)
      }
    })

    it('with migrate: false runs no DDL; migrate() creates what the store needs', async () => {
      const table = freshTable()
      const store = new PostgresStore({ pool, table, migrate: false })
      await expect(store.get('x')).rejects.toMatchObject({ code: '42P01' }) // undefined_table
      await migrate(pool, { table })
      expect(await store.create(makeRecord())).toBe(true)

      const limits = freshTable('rl')
      const counter = new PostgresRateLimitStore({ pool, table: limits, migrate: false })
      await expect(counter.peek('k', 0)).rejects.toMatchObject({ code: '42P01' })
      await migrateRateLimits(pool, { table: limits })
      expect(await counter.hit('k', 1000, 0)).toEqual({ count: 1, resetAt: 1000 })
    })

    it('retries a failed migration on the next call', async () => {
      const missing = `tessera_test_${randomBytes(6).toString('hex')}`
      const store = new PostgresStore({ pool, table: `${missing}.sessions` })
      try {
        await expect(store.get('x')).rejects.toMatchObject({ code: '3F000' }) // no such schema
        await pool.query(`CREATE SCHEMA "${missing}"`)
        expect(await store.get('x')).toBeNull()
      } finally {
        await pool.query(`DROP SCHEMA IF EXISTS "${missing}" CASCADE`)
      }
    })

    it('keeps the two index names of a 63-character table name apart', async () => {
      const name = `_${randomBytes(31).toString('hex')}`
      expect(name).toHaveLength(63)
      const store = new PostgresStore({ pool, table: `${schema}.${name}` })
      expect(await store.create(makeRecord({ userId: 'u' }))).toBe(true)
      const indexes = (await relations(name)).map((r) => r.split(':')[0])
      expect(indexes).toHaveLength(3)
      expect(indexes).toContain(`${name.slice(0, 52)}_expires_at`)
      expect(indexes).toContain(`${name.slice(0, 55)}_user_id`)
    })

    it('uses the indexes for expiry sweeps and user lookups', async () => {
      const table = freshTable()
      await migrate(pool, { table })
      const client = await pool.connect()
      try {
        // The tables are tiny, so the planner would scan them; ask what it can use.
        await client.query('SET enable_seqscan = off')
        const plan = async (sql: string) =>
          (await client.query(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n')
        const [, name] = table.split('.')
        expect(await plan(`SELECT id FROM ${table} WHERE expires_at <= 0 LIMIT 10`)).toContain(
          `${name}_expires_at`,
        )
        expect(
          await plan(`SELECT record FROM ${table} WHERE user_id = 'u' AND expires_at > 0`),
        ).toContain(`${name}_user_id`)
      } finally {
        client.release()
      }
    })

    it.each<[string, Partial<PostgresStoreOptions>]>([
      ['no pool', { pool: undefined }],
      ['a pool that is not one', { pool: {} as pg.Pool }],
      ['a table name starting with a digit', { table: '1sessions' }],
      ['a table name with a dash', { table: 'web-sessions' }],
      ['a table name with SQL in it', { table: 'x"; DROP TABLE users; --' }],
      ['a table name with a quoted part', { table: '"public".sessions' }],
      ['three name parts', { table: 'db.public.sessions' }],
      ['a table name of 64 characters', { table: 'a'.repeat(64) }],
      ['an empty table name', { table: '' }],
      ['a clock that is not a function', { clock: 5 as unknown as () => number }],
      ['migrate that is not a boolean', { migrate: 'yes' as unknown as boolean }],
    ])('throws CONFIG_INVALID for %s', (_, options) => {
      const make = () => new PostgresStore({ pool, ...options } as PostgresStoreOptions)
      expect(make).toThrow(ConfigError)
      expect(make).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    })

    it('migrate() and the rate-limit store validate their table too', async () => {
      await expect(migrate(pool, { table: 'a;b' })).rejects.toBeInstanceOf(ConfigError)
      await expect(migrateRateLimits(pool, { table: 'a b' })).rejects.toBeInstanceOf(ConfigError)
      expect(() => new PostgresRateLimitStore({ pool, table: 'x.y.z' })).toThrow(ConfigError)
    })
  })

  describe('rows and values', () => {
    it('keeps expires_at = min(idleExpiresAt, absoluteExpiresAt) and version in step', async () => {
      const clock = new ManualClock()
      const table = freshTable()
      const store = new PostgresStore({ pool, table, clock: clock.now })
      const now = clock.now()
      const row = async (id: string) =>
        (await pool.query(`SELECT expires_at, version FROM ${table} WHERE id = $1`, [id])).rows[0]
      const record = makeRecord(
        { idleExpiresAt: now + 1000, absoluteExpiresAt: now + 5000, version: 3 },
        now,
      )
      await store.create(record)
      // bigint columns come back from pg as strings: exact, never rounded.
      expect(await row(record.id)).toEqual({ expires_at: String(now + 1000), version: '3' })
      await store.touch(record.id, now + 1, now + 2000)
      expect(await row(record.id)).toEqual({ expires_at: String(now + 2000), version: '3' })
      await store.touch(record.id, now + 2, now + 9000)
      expect(await row(record.id)).toEqual({ expires_at: String(now + 5000), version: '3' })
      expect(await store.get(record.id)).toEqual({
        ...record,
        lastSeenAt: now + 2,
        idleExpiresAt: now + 9000,
      })
      const next = { ...record, absoluteExpiresAt: now + 4000, idleExpiresAt: now + 9000 }
      await store.update({ ...next, version: 4 }, 3)
      expect(await row(record.id)).toEqual({ expires_at: String(now + 4000), version: '4' })
    })

    it('getShared hands out one frozen record while the row is unchanged; another instance’s writes are read anew', async () => {
      const clock = new ManualClock()
      const table = freshTable()
      const one = new PostgresStore({ pool, table, clock: clock.now })
      const two = new PostgresStore({ pool: newPool(), table, clock: clock.now })
      await checkSharedRecordReads(one, two, clock)
      expect(await one.getShared('not a storable key \u0000')).toBeNull()
    })

    it('getShared: the reads of one turn leave as one statement, each answered with its own session', async () => {
      const clock = new ManualClock()
      const counted = newPool()
      const statements: string[] = []
      const query = counted.query.bind(counted) as (text: string, values: unknown[]) => unknown
      ;(counted as { query: unknown }).query = (text: string, values: unknown[]) => {
        statements.push(text)
        return query(text, values)
      }
      const store = new PostgresStore({ pool: counted, table: freshTable(), clock: clock.now })
      const [a, b] = [
        makeRecord({ data: { n: 1 } }, clock.now()),
        makeRecord({ data: { n: 2 } }, clock.now()),
      ]
      const soon = makeRecord({ idleExpiresAt: clock.now() + 10 }, clock.now())
      for (const record of [a, b, soon]) await store.create(record)
      clock.advance(10)
      statements.length = 0

      const reads = [a.id, b.id, a.id, soon.id, makeRecord().id, 'x\u0000y']
      const answers = await Promise.all(reads.map((id) => store.getShared(id)))
      expect(answers).toEqual([a, b, a, null, null, null])
      expect(answers[0]).toBe(answers[2])
      expect(statements).toHaveLength(1)
      expect(statements[0]).toContain('= ANY(')

      // Reads in turns of their own: a statement each.
      statements.length = 0
      expect(await store.getShared(a.id)).toEqual(a)
      expect(await store.getShared(b.id)).toEqual(b)
      expect(statements).toHaveLength(2)

      // 1,200 distinct ids in one turn: 500 a statement; the live one found wherever it falls.
      statements.length = 0
      const many = Array.from({ length: 1200 }, (_, i) => (i === 700 ? b.id : makeRecord().id))
      const found = await Promise.all(many.map((id) => store.getShared(id)))
      expect(statements).toHaveLength(3)
      expect(found.filter((record) => record !== null)).toEqual([b])
      expect(found[700]).toEqual(b)
    })

    it('getShared: any ids read in one turn, quotes, backslashes, braces and "NULL" included, answer what get answers (fast-check)', async () => {
      const store = new PostgresStore({ pool, table: freshTable() })
      const id = fc
        .string({ unit: 'binary', minLength: 1, maxLength: 12 })
        .filter((s) => !s.includes('\0'))
      const special = fc.constantFrom(
        'NULL',
        'null',
        '"',
        '\\',
        '{a,b}',
        ' a ',
        ',',
        '{}',
        "'",
        'a"b\\c',
      )
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.oneof(id, special), { minLength: 1, maxLength: 12 }),
          fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
          async (ids, stored) => {
            const kept = new Map<string, SessionRecord>()
            for (const [i, key] of ids.entries()) {
              if (!stored[i]) continue
              const record = makeRecord({ id: `${key}#${randomBytes(4).toString('hex')}` })
              await store.create(record)
              kept.set(key, record)
            }
            const asked = ids.map((key) => kept.get(key)?.id ?? key)
            const shared = await Promise.all(asked.map((key) => store.getShared(key)))
            const single = await Promise.all(asked.map((key) => store.get(key)))
            expect(shared).toEqual(single)
            expect(shared.filter((r) => r !== null)).toHaveLength(kept.size)
          },
        ),
        { numRuns: 40 },
      )
    })

    it('getShared: a statement that fails fails every read of its turn, and the next turn reads again', async () => {
      const table = freshTable()
      const live = new PostgresStore({ pool, table })
      const record = makeRecord()
      await live.create(record)
      // Not in `pools`: this test ends it itself.
      const broken = new pg.Pool({ connectionString: URL, max: 2 })
      const store = new PostgresStore({ pool: broken, table, migrate: false })
      expect(await store.getShared(record.id)).toEqual(record)
      await broken.end()
      const results = await Promise.allSettled([
        store.getShared(record.id),
        store.getShared(makeRecord().id),
        store.getShared(record.id),
      ])
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
      expect(await live.getShared(record.id)).toEqual(record)
    })

    it('round-trips numbers exactly through jsonb', async () => {
      const store = new PostgresStore({ pool, table: freshTable() })
      const data = {
        max: Number.MAX_SAFE_INTEGER,
        min: Number.MIN_SAFE_INTEGER,
        huge: 1.7976931348623157e308,
        denormal: 5e-324,
        third: 1 / 3,
        sum: 0.1 + 0.2,
        negative: -1e-7,
      }
      const record = makeRecord({ data, version: 2 ** 40 })
      await store.create(record)
      expect(await store.get(record.id)).toEqual(record)
      expect(await store.update({ ...record, version: 2 ** 40 + 1 }, 2 ** 40)).toBe('ok')
    })

    it('deleteExpired removes more rows than fit in one batch', async () => {
      const clock = new ManualClock()
      const table = freshTable()
      const store = new PostgresStore({ pool, table, clock: clock.now })
      const now = clock.now()
      await migrate(pool, { table })
      await pool.query(
        `INSERT INTO ${table} (id, user_id, expires_at, version, record)
         SELECT 'expired-' || i, NULL, $1, 1, '{}'::jsonb FROM generate_series(1, 2500) AS i`,
        [now + 1000],
      )
      const live = makeRecord({}, now)
      await store.create(live)
      expect(await store.deleteExpired()).toBe(0)
      clock.advance(1000)
      expect(await store.deleteExpired()).toBe(2500)
      expect((await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBe(1)
      expect(await store.get(live.id)).toEqual(live)
    })

    it("two stores on separate pools see each other's writes, as two app instances would", async () => {
      const clock = new ManualClock()
      const table = freshTable()
      const a = new PostgresStore({ pool: newPool({ max: 2 }), table, clock: clock.now })
      const b = new PostgresStore({ pool: newPool({ max: 2 }), table, clock: clock.now })
      const record = makeRecord({ userId: 'alice' }, clock.now())
      expect(await a.create(record)).toBe(true)
      expect(await b.create({ ...record, data: { other: true } })).toBe(false)
      expect(await b.get(record.id)).toEqual(record)

      const next = { ...record, data: { from: 'b' }, version: 2 }
      expect(await b.update(next, 1)).toBe('ok')
      expect(await a.update({ ...record, data: { from: 'a' }, version: 2 }, 1)).toBe('conflict')
      expect(await a.get(record.id)).toEqual(next)

      expect(await a.touch(record.id, clock.now() + 5, clock.now() + 60_000)).toBe(true)
      expect((await b.get(record.id))?.lastSeenAt).toBe(clock.now() + 5)
      expect(await b.deleteByUser('alice')).toBe(1)
      expect(await a.listByUser('alice')).toEqual([])

      const limits = freshTable('rl')
      const ra = new PostgresRateLimitStore({ pool: newPool({ max: 2 }), table: limits })
      const rb = new PostgresRateLimitStore({ pool: newPool({ max: 2 }), table: limits })
      await Promise.all([ra.hit('k', 60_000, 0), rb.hit('k', 60_000, 0)])
      expect(await ra.peek('k', 0)).toEqual({ count: 2, resetAt: 60_000 })
      expect(await rb.deleteExpired(59_999)).toBe(0)
      expect(await rb.deleteExpired(60_000)).toBe(1)
      expect(await ra.peek('k', 0)).toBeNull()
    })
  })

  describe('strings PostgreSQL cannot store', () => {
    it.each([
      ['a NUL in session data', { data: { note: 'a\u0000b' } }],
      ['a NUL in a data key', { data: { 'k\u0000': 1 } }],
      ['a NUL in the user id', { userId: 'alice\u0000' }],
      ['a NUL in metadata', { meta: { userAgent: '\u0000' } }],
      ['a lone high surrogate', { data: { s: 'x\ud800' } }],
      ['a lone low surrogate', { data: { s: '\udfffy' } }],
    ])('%s: create and update throw UnsupportedValueError and write nothing', async (_, bad) => {
      const store = new PostgresStore({ pool, table: freshTable() })
      const record = makeRecord(bad as Partial<SessionRecord>)
      const error = await store.create(record).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UnsupportedValueError)
      expect(error).toBeInstanceOf(TesseraError)
      expect(error).toMatchObject({ code: 'VALUE_UNSUPPORTED' })
      expect((error as Error).message).not.toContain('a\u0000b')
      expect(await store.get(record.id)).toBeNull()

      const good = makeRecord({ data: { kept: true } })
      await store.create(good)
      const update = store.update({ ...good, ...bad, id: good.id, version: 2 }, 1)
      await expect(update).rejects.toBeInstanceOf(UnsupportedValueError)
      expect(await store.get(good.id)).toEqual(good)
    })

    it('stores text that only looks like an escape, and surrogate pairs', async () => {
      const store = new PostgresStore({ pool, table: freshTable() })
      const data = { a: '\\u0000', b: '\\\\u0000', c: '\\ud800', d: '😀 𝄞', '\\u0000': 'key' }
      const record = makeRecord({ data })
      expect(await store.create(record)).toBe(true)
      expect(await store.get(record.id)).toEqual(record)
    })

    it('lookups with such a key find nothing instead of failing', async () => {
      const store = new PostgresStore({ pool, table: freshTable() })
      expect(await store.get('\u0000')).toBeNull()
      expect(await store.listByUser('a\u0000')).toEqual([])
      expect(await store.listByUser('a\ud800')).toEqual([])
      expect(await store.deleteByUser('a\u0000')).toBe(0)
      expect(await store.touch('\u0000', 1, 2)).toBe(false)
      await expect(store.delete('\u0000')).resolves.toBeUndefined()
    })

    it('through SessionManager, commit rejects with a StoreError caused by UnsupportedValueError', async () => {
      const store = new PostgresStore({ pool, table: freshTable() })
      const manager = new SessionManager({ store, secret: SECRET })
      const session = manager.open({ cookie: undefined, secure: false })
      await session.set('note', 'a\u0000b')
      const error = await manager.commit(session).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreError)
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', operation: 'create' })
      expect((error as StoreError).cause).toBeInstanceOf(UnsupportedValueError)
    })
  })

  describe('behind SessionManager', () => {
    it('100 concurrent writers to one session: all keys present', async () => {
      const { store, counts, as } = countingStore(new PostgresStore({ pool, table: freshTable() }))
      const manager = new SessionManager({ store, secret: SECRET })
      const first = manager.open({ cookie: undefined, secure: false })
      await first.set('base', 0)
      const cookie = ((await manager.commit(first)).setCookie[0] as string).split(';')[0]

      const n = 100
      const sessions = Array.from({ length: n }, () => manager.open({ cookie, secure: false }))
      await Promise.all(sessions.map((s, i) => s.set(`k${i}`, i)))
      await Promise.all(sessions.map((s, i) => as(i, () => manager.commit(s))))

      const expected: Record<string, number> = { base: 0 }
      for (let i = 0; i < n; i++) expected[`k${i}`] = i
      const check = manager.open({ cookie, secure: false })
      expect(await check.data()).toEqual(expected)
      expect(counts.updates - counts.conflicts).toBe(n)
      console.info(
        `postgresql: ${n} concurrent writers landed with ${counts.conflicts} conflict retries ` +
          `(${counts.updates} updates; at most ${counts.maxPerWriter} for one writer)`,
      )
    })

    it('a pool on a dead port makes session.get() reject with STORE_UNAVAILABLE quickly', async () => {
      const dead = newPool({
        connectionString: 'postgres://postgres@127.0.0.1:1/test',
        connectionTimeoutMillis: 300,
      })
      const manager = new SessionManager({
        store: new PostgresStore({ pool: dead }),
        secret: SECRET,
        storeTimeout: 500,
      })
      const session = manager.open({ cookie: wellFormedCookie(), secure: false })
      const started = performance.now()
      const error = await session.get('anything').catch((e: unknown) => e)
      expect(performance.now() - started).toBeLessThan(1000)
      expect(error).toBeInstanceOf(StoreError)
      expect(['STORE_UNAVAILABLE', 'STORE_TIMEOUT']).toContain((error as StoreError).code)
    })

    it('a server that accepts but never answers gives STORE_TIMEOUT at storeTimeout', async () => {
      const sockets = new Set<Socket>()
      const server = createServer((socket) => void sockets.add(socket))
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      const { port } = server.address() as { port: number }
      try {
        const silent = newPool({
          connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
          connectionTimeoutMillis: 5000,
        })
        const manager = new SessionManager({
          store: new PostgresStore({ pool: silent }),
          secret: SECRET,
          storeTimeout: 500,
        })
        const session = manager.open({ cookie: wellFormedCookie(), secure: false })
        const started = performance.now()
        const error = await session.get('anything').catch((e: unknown) => e)
        const elapsed = performance.now() - started
        expect(elapsed).toBeGreaterThanOrEqual(450)
        expect(elapsed).toBeLessThan(1000)
        expect(error).toMatchObject({ code: 'STORE_TIMEOUT', operation: 'get' })
      } finally {
        // Hang up, so the pending connection fails now and its pool can end.
        for (const socket of sockets) socket.destroy()
        await new Promise((r) => server.close(r))
      }
    })
  })
})

/** `name: definition` of every index of a table in this file's schema, by name. */
async function relations(table: string): Promise<string[]> {
  const { rows } = await pool.query<{ indexname: string; indexdef: string }>(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
    [schema, table],
  )
  return rows.map((r) => `${r.indexname}: ${r.indexdef}`)
}

/** A cookie of the issued shape, so the manager asks the store about it. */
function wellFormedCookie(): string {
  return `sessionid=${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`
}

/**
 * Passes every call through to `inner`, counting updates and compare-and-set conflicts,
 * in total and per writer (the writer a call runs for is named with `as`).
 */
function countingStore(inner: SessionStore) {
  const counts = { updates: 0, conflicts: 0, maxPerWriter: 0 }
  const writer = new AsyncLocalStorage<number>()
  const perWriter = new Map<number, number>()
  const store: SessionStore = {
    get: (id) => inner.get(id),
    create: (record) => inner.create(record),
    async update(record, expectedVersion) {
      counts.updates++
      const result = await inner.update(record, expectedVersion)
      if (result === 'conflict') {
        counts.conflicts++
        const who = writer.getStore() ?? -1
        const mine = (perWriter.get(who) ?? 0) + 1
        perWriter.set(who, mine)
        counts.maxPerWriter = Math.max(counts.maxPerWriter, mine)
      }
      return result
    },
    touch: (id, lastSeenAt, idleExpiresAt, expectedVersion) =>
      inner.touch(id, lastSeenAt, idleExpiresAt, expectedVersion),
    delete: (id) => inner.delete(id),
    listByUser: (userId) => inner.listByUser(userId),
    deleteByUser: (userId, exceptId) => inner.deleteByUser(userId, exceptId),
    deleteExpired: () => inner.deleteExpired(),
  }
  const as = <T>(id: number, run: () => Promise<T>): Promise<T> => writer.run(id, run)
  return { store, counts, as }
}
