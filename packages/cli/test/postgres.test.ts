import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyring, publicSessionId, TieredStore } from '@tessera/core'
import { PostgresRateLimitStore, PostgresStore } from '@tessera/store-postgres'
import { RedisStore } from '@tessera/store-redis'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteRedisKeys } from '../../../test-support/delete-redis-keys.js'
import { probePostgres } from '../../../test-support/postgres-probe.js'
import { redisGates } from '../../../test-support/redis-gates.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { lines, tessera } from './support/run-tessera.js'
import { AN_HOUR_AGO, liveRecord, SECRET } from './support/seed.js'

const URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const failure = await probePostgres(URL)
const gate = serviceGate('postgresql', failure === null, `cannot connect to ${URL}: ${failure}`)

const redis = await redisGates()

// Everything this file creates lives in one schema of its own, dropped at the end.
const schema = `tessera_cli_${randomBytes(6).toString('hex')}`
let pool: pg.Pool
let tables = 0
const freshTable = (): string => `${schema}.t${++tables}`

describe.skipIf(gate.skip)('tessera on PostgreSQL (the real binary)', () => {
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: URL, max: 4 })
    pool.on('error', () => undefined)
    await pool.query(`CREATE SCHEMA "${schema}"`)
  })
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
  })

  const rows = async (table: string): Promise<number> => {
    const [s, t] = table.split('.')
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${s}"."${t}"`)
    return Number(rows[0]?.n)
  }

  it('migrate creates the table and its indexes, then finds them; --rate-limits adds the throttle table', async () => {
    const table = freshTable()
    const first = await tessera(['migrate', '--store', URL, '--table', table])
    expect(first.code).toBe(0)
    expect(first.stdout).toBe(`created the session table ${table} and its indexes\n`)
    const { rows: indexes } = await pool.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
      [schema, table.split('.')[1]],
    )
    expect(indexes.map((r) => r.indexname)).toEqual(['t1_expires_at', 't1_pkey', 't1_user_id'])

    const second = await tessera(
      ['migrate', '--table', table, '--rate-limits', '--rate-limit-table', `${schema}.rl`],
      {
        env: { TESSERA_STORE: URL },
      },
    )
    expect(second.code).toBe(0)
    expect(lines(second.stdout)).toEqual([
      `the session table ${table} was already there (missing indexes, if any, created)`,
      `created the login-throttle table ${schema}.rl and its indexes`,
    ])
    expect(await rows(`${schema}.rl`)).toBe(0)

    const noSchema = await tessera([
      'migrate',
      '--store',
      URL,
      '--table',
      'no_such_schema_x.sessions',
    ])
    expect(noSchema.code).toBe(1)
    expect(lines(noSchema.stderr)).toEqual([
      expect.stringMatching(/^tessera: .*schema "no_such_schema_x" does not exist/),
    ])
  })

  it('clearsessions deletes 100,000 expired sessions in batches, reports the count, keeps the live ones', async () => {
    const table = freshTable()
    expect((await tessera(['migrate', '--store', URL, '--table', table])).code).toBe(0)
    const [s, t] = table.split('.')
    // 100,000 expired rows in one statement (what expires_at says is what the store reads).
    await pool.query(
      `INSERT INTO "${s}"."${t}" (id, user_id, expires_at, version, record)
       SELECT 'x' || i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'user-' || (i % 100) END, $1::bigint, 1,
              jsonb_build_object('id', 'x' || i, 'data', '{}'::jsonb, 'createdAt', $2::bigint,
                                 'lastSeenAt', $2::bigint, 'idleExpiresAt', $1::bigint,
                                 'absoluteExpiresAt', $1::bigint + 86400000, 'version', 1,
                                 'userId', CASE WHEN i % 4 = 0 THEN NULL ELSE 'user-' || (i % 100) END,
                                 'authHash', NULL, 'credentials', '{}'::jsonb, 'meta', '{}'::jsonb)
       FROM generate_series(1, 100000) AS i`,
      [AN_HOUR_AGO + 1000, AN_HOUR_AGO],
    )
    const store = new PostgresStore({ pool, table, migrate: false })
    const live = [liveRecord('user-1'), liveRecord('user-2'), liveRecord(null)]
    for (const r of live) expect(await store.create(r)).toBe(true)
    expect(await rows(table)).toBe(100_003)

    // A login-throttle table that is not there is skipped (the shared database's default
    // one may hold other tests' counters).
    const run = await tessera([
      'clearsessions',
      ...['--store', URL, '--table', table, '--rate-limit-table', `${schema}.absent`],
    ])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`deleted 100000 expired sessions from ${URL} (table ${table})\n`)
    expect(lines(run.stderr).at(-1)).toBe(
      `deleting expired sessions [${'#'.repeat(30)}] 100% 100000/100000`,
    )
    expect(await rows(table)).toBe(3)
    for (const r of live) expect(await store.get(r.id)).toEqual(r)
    // 100,000 rows through a real process: generous on a loaded 2-core machine.
  }, 120_000)

  it('clearsessions also deletes the login-throttle counters whose window ended', async () => {
    const table = freshTable()
    const limitTable = freshTable()
    expect((await tessera(['migrate', '--store', URL, '--table', table])).code).toBe(0)
    const limits = new PostgresRateLimitStore({ pool, table: limitTable })
    const now = Date.now()
    for (let i = 0; i < 30; i++) await limits.reserve(`ended${i}`, 5, 900_000, now - 3_600_000)
    for (let i = 0; i < 2; i++) await limits.reserve(`live${i}`, 5, 900_000, now)
    expect(await rows(limitTable)).toBe(32)

    const run = await tessera([
      'clearsessions',
      ...['--store', URL, '--table', table, '--rate-limit-table', limitTable],
    ])
    expect(run.code).toBe(0)
    expect(await rows(limitTable)).toBe(2)
    expect(run.stdout).toBe(
      `deleted 0 expired sessions from ${URL} (table ${table})\n` +
        `deleted 30 ended login-throttle counters (table ${limitTable})\n`,
    )
  })

  it('sessions list and revoke; a missing table names tessera migrate and is not created', async () => {
    const table = freshTable()
    expect((await tessera(['migrate', '--store', URL, '--table', table])).code).toBe(0)
    const store = new PostgresStore({ pool, table, migrate: false })
    const keys = new Keyring(SECRET)
    const dana1 = liveRecord('dana', { userAgent: 'Edge/140', ip: '198.51.100.4' })
    const dana2 = liveRecord('dana')
    const erin = liveRecord('erin')
    for (const r of [dana1, dana2, erin]) await store.create(r)
    const env = { TESSERA_SECRET: SECRET }

    const list = await tessera(['sessions', 'list', '--store', URL, '--table', table, '--json'], {
      env,
    })
    expect(list.code).toBe(0)
    const listed = lines(list.stdout).map((line) => JSON.parse(line))
    expect(listed.map((row) => row.id).sort()).toEqual(
      (await Promise.all([dana1, dana2, erin].map((r) => publicSessionId(keys, r.id)))).sort(),
    )
    expect(listed.find((row) => row.ip === '198.51.100.4')).toMatchObject({
      user: 'dana',
      userAgent: 'Edge/140',
    })

    const one = await tessera(
      [
        'sessions',
        'revoke',
        await publicSessionId(keys, erin.id),
        '--store',
        URL,
        '--table',
        table,
      ],
      { env },
    )
    expect(one.code).toBe(0)
    expect(await store.get(erin.id)).toBeNull()
    const all = await tessera([
      'sessions',
      'revoke',
      '--user',
      'dana',
      '--store',
      URL,
      '--table',
      table,
    ])
    expect(all.stdout).toBe(`revoked 2 sessions of user dana in ${URL} (table ${table})\n`)
    expect(await rows(table)).toBe(0)

    const missing = `${schema}.never_migrated`
    const run = await tessera(['sessions', 'list', '--store', URL, '--table', missing])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `tessera: no table ${missing} in ${URL} (run tessera migrate, or another --table?)\n`,
    )
    const { rows: found } = await pool.query('SELECT to_regclass($1) AS t', [missing])
    expect(found[0].t).toBeNull()
  })

  it('a wrong password fails with one line that does not contain it', async () => {
    const url = new globalThis.URL(URL)
    url.username = `nobody_${randomBytes(3).toString('hex')}`
    url.password = 'pw-do-not-print-0123'
    const run = await tessera(['clearsessions', '--store', url.href])
    expect(run.code).toBe(1)
    const [line, ...rest] = lines(run.stderr)
    expect(rest).toEqual([])
    expect(line).toMatch(/^tessera: cannot use postgres:\/\/nobody_\w+:\*\*\*@/)
    expect(line).not.toContain('pw-do-not-print-0123')
  })

  it('import-django-users carries a bigint key beyond 2^53 exactly and refuses a UUID key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-pg-import-'))
    try {
      const [bigints, uuids] = [freshTable(), freshTable()]
      const columns = 'username text, password text, is_active boolean'
      await pool.query(`CREATE TABLE ${bigints} (id bigint PRIMARY KEY, ${columns})`)
      await pool.query(`INSERT INTO ${bigints} VALUES (9007199254740993, 'ada', '!a', true)`)
      await pool.query(`CREATE TABLE ${uuids} (id uuid PRIMARY KEY, ${columns})`)
      const uuid = '4f8e2a56-1c1b-4d6a-9a55-0f3b7f2d9c11'
      await pool.query(`INSERT INTO ${uuids} VALUES ('${uuid}', 'eve', '!e', true)`)
      const to = join(dir, 'app.sqlite3')
      new Database(to).exec(
        'CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, password TEXT, is_active INTEGER)',
      )
      const run = (table: string) =>
        tessera(['import-django-users', '--from', URL, '--from-table', table, '--to', to])

      expect((await run(bigints)).code).toBe(0)
      const refused = await run(uuids)
      expect(refused.stderr).toBe(
        `tessera: ${uuids} has the id "${uuid}", not a positive integer key: the target ` +
          "table's id is an integer (a user model with UUID keys needs its own import); " +
          'nothing was imported\n',
      )
      expect(refused.code).toBe(1)
      const db = new Database(to, { readonly: true })
      expect(db.prepare('SELECT id, username FROM users').safeIntegers(true).all()).toEqual([
        { id: 9007199254740993n, username: 'ada' },
      ])
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.skipIf(redis.gate.skip)(
    '--cache: revocation also deletes the Redis copies of a TieredStore; without it they stay',
    async () => {
      const table = freshTable()
      expect((await tessera(['migrate', '--store', URL, '--table', table])).code).toBe(0)
      const prefix = `${schema}:`
      const client = new Redis({ host: redis.host, port: redis.port })
      try {
        const store = new TieredStore({
          cache: new RedisStore({ client, prefix }),
          primary: new PostgresStore({ pool, table, migrate: false }),
        })
        const [gina1, gina2, hal] = [liveRecord('gina'), liveRecord('gina'), liveRecord('hal')]
        for (const r of [gina1, gina2, hal]) expect(await store.create(r)).toBe(true)
        const cached = async (id: string) => (await client.exists(`${prefix}s:{${id}}`)) === 1
        for (const r of [gina1, gina2, hal]) expect(await cached(r.id)).toBe(true)
        const keys = new Keyring(SECRET)
        const cacheUrl = `redis://${redis.host}:${redis.port}`
        const tiered = ['--store', URL, '--table', table, '--cache', cacheUrl, '--prefix', prefix]

        const list = await tessera(['sessions', 'list', ...tiered, '--json'])
        expect(lines(list.stdout)).toHaveLength(3)

        const one = await tessera(
          ['sessions', 'revoke', await publicSessionId(keys, hal.id), ...tiered],
          {
            env: { TESSERA_SECRET: SECRET },
          },
        )
        expect(one.code).toBe(0)
        expect(one.stdout).toMatch(/with the Redis cache redis:\/\/.* \(prefix /)
        expect(await cached(hal.id)).toBe(false)
        expect(await store.get(hal.id)).toBeNull()

        // Without --cache the primary row goes, but the app would still serve the copy.
        const primaryOnly = await tessera(
          [
            'sessions',
            'revoke',
            await publicSessionId(keys, gina1.id),
            '--store',
            URL,
            '--table',
            table,
          ],
          {
            env: { TESSERA_SECRET: SECRET },
          },
        )
        expect(primaryOnly.code).toBe(0)
        expect(await cached(gina1.id)).toBe(true)

        const all = await tessera(['sessions', 'revoke', '--user', 'gina', ...tiered])
        expect(all.code).toBe(0)
        expect(await cached(gina2.id)).toBe(false)
        expect(await rows(table)).toBe(0)

        const usage = await tessera(['sessions', 'list', '--store', cacheUrl, '--cache', cacheUrl])
        expect(usage.code).toBe(2)
        expect(usage.stderr).toBe(
          'tessera: --cache takes a Redis URL, in front of a SQLite or PostgreSQL --store\n',
        )
      } finally {
        await deleteRedisKeys(client, prefix)
        await client.quit()
      }
    },
  )
})
