import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@tessera/core'
import { SqliteStore, type SqliteStoreOptions } from '@tessera/store-sqlite'
import { describeSessionStore, ManualClock, makeRecord } from '@tessera/testing'
import Database from 'better-sqlite3'
import { beforeEach, describe, expect, it } from 'vitest'
import { checkLegacyRecordLoads } from '../../../test-support/legacy-session-record.js'
import { loginBurst } from '../../../test-support/login-burst.js'
import { checkMalformedRecordsRefused } from '../../../test-support/malformed-session-record.js'
import { useTempDatabase } from './support/temp-database.js'

describeSessionStore('sqlite store (in-memory database)', () => {
  const clock = new ManualClock()
  return { store: new SqliteStore({ path: ':memory:', clock: clock.now }), clock }
})

describeSessionStore('sqlite store (file database)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-sqlite-'))
  const clock = new ManualClock()
  const store = new SqliteStore({ path: join(dir, 'sessions.db'), clock: clock.now })
  const teardown = async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  }
  return { store, clock, teardown }
})

describe('sqlite store › setup and operations', () => {
  it('100 concurrent logins of one user with a cap of 10 leave exactly the 10 newest', async () => {
    await loginBurst(new SqliteStore({ path: ':memory:' }), 'burst')
  })

  it('loads a row written before the CSRF secret, login time and JWT claims were record fields', async () => {
    const db = new Database(':memory:')
    const store = new SqliteStore({ database: db })
    await checkLegacyRecordLoads(store, {
      write: async (id, json) => {
        db.prepare('UPDATE tessera_sessions SET record = ? WHERE id = ?').run(json, id)
      },
      read: async (id) =>
        db
          .prepare<[string], string>('SELECT record FROM tessera_sessions WHERE id = ?')
          .pluck()
          .get(id) as string,
    })
    db.close()
  })

  it('reads a row of the wrong shape planted in the table as a store failure, never a crash', async () => {
    const db = new Database(':memory:')
    await checkMalformedRecordsRefused(new SqliteStore({ database: db }), {
      write: async (id, json) => {
        db.prepare('UPDATE tessera_sessions SET record = ? WHERE id = ?').run(json, id)
      },
      read: async (id) =>
        db
          .prepare<[string], string>('SELECT record FROM tessera_sessions WHERE id = ?')
          .pluck()
          .get(id) as string,
    })
    db.close()
  })

  const temp = useTempDatabase()
  const track = temp.track
  let file: string
  beforeEach(() => {
    file = temp.file()
  })

  it('switches a file database to WAL', async () => {
    const store = track(new SqliteStore({ path: file }))
    await store.get('x')
    const raw = track(new Database(file))
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
  })

  it('creates the table and its indexes on first use, not before', async () => {
    const db = track(new Database(':memory:'))
    const store = new SqliteStore({ database: db, table: 'web_sessions' })
    const names = () =>
      db
        .prepare<[], string>(
          `SELECT name FROM sqlite_master WHERE tbl_name = 'web_sessions' ORDER BY name`,
        )
        .pluck()
        .all()
    expect(names()).toEqual([])
    expect(await store.get('x')).toBeNull()
    // The autoindex is SQLite's own, backing the TEXT PRIMARY KEY.
    expect(names()).toEqual([
      'sqlite_autoindex_web_sessions_1',
      'web_sessions',
      'web_sessions_expires_at',
      'web_sessions_user_id',
    ])
    const columns = db.prepare<[], { name: string; type: string; notnull: number; pk: number }>(
      `SELECT name, type, "notnull", pk FROM pragma_table_info('web_sessions')`,
    )
    expect(columns.all()).toEqual([
      { name: 'id', type: 'TEXT', notnull: 0, pk: 1 },
      { name: 'user_id', type: 'TEXT', notnull: 0, pk: 0 },
      { name: 'expires_at', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'version', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'record', type: 'TEXT', notnull: 1, pk: 0 },
    ])
  })

  it('uses the indexes for expiry sweeps and user lookups', async () => {
    const db = track(new Database(':memory:'))
    await new SqliteStore({ database: db }).get('x')
    const plan = (sql: string) =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((row) => row.detail)
        .join('\n')
    expect(plan(`SELECT rowid FROM tessera_sessions WHERE expires_at <= 0`)).toContain(
      'tessera_sessions_expires_at',
    )
    expect(
      plan(`SELECT record FROM tessera_sessions WHERE user_id = 'u' AND expires_at > 0`),
    ).toContain('tessera_sessions_user_id')
  })

  it('keeps the data when a file is reopened', async () => {
    const record = makeRecord({ userId: 'alice', data: { kept: ['yes'] } })
    const first = new SqliteStore({ path: file })
    expect(await first.create(record)).toBe(true)
    await first.close()
    const second = track(new SqliteStore({ path: file }))
    expect(await second.get(record.id)).toEqual(record)
    expect(await second.listByUser('alice')).toEqual([record])
  })

  it('closes only a connection it opened', async () => {
    const db = track(new Database(':memory:'))
    const given = new SqliteStore({ database: db })
    await given.get('x')
    await given.close()
    expect(db.open).toBe(true)

    const owned = new SqliteStore({ path: file })
    await owned.get('x')
    await owned.close()
    await owned.close()
    await expect(owned.get('x')).rejects.toThrow()
  })

  it.each<[string, SqliteStoreOptions]>([
    ['neither path nor database', {}],
    ['both path and database', { path: ':memory:', database: new Database(':memory:') }],
    ['an empty path', { path: '' }],
    ['a table name starting with a digit', { path: ':memory:', table: '1sessions' }],
    ['a table name with a dash', { path: ':memory:', table: 'web-sessions' }],
    ['a table name with SQL in it', { path: ':memory:', table: 'x"; DROP TABLE users; --' }],
    ['a table name of 64 characters', { path: ':memory:', table: 'a'.repeat(64) }],
    ['an empty table name', { path: ':memory:', table: '' }],
  ])('throws CONFIG_INVALID for %s', (_, options) => {
    let error: unknown
    try {
      new SqliteStore(options)
    } catch (e) {
      error = e
    }
    options.database?.close()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe('CONFIG_INVALID')
  })

  it('accepts a table name of 63 characters', async () => {
    const store = track(new SqliteStore({ path: ':memory:', table: `_${'a'.repeat(62)}` }))
    expect(await store.get('x')).toBeNull()
  })

  it("two stores on one file see each other's writes, as two processes would", async () => {
    const clock = new ManualClock()
    const a = track(new SqliteStore({ path: file, clock: clock.now }))
    const b = track(new SqliteStore({ path: file, clock: clock.now }))
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
  })

  it('keeps the expires_at column equal to min(idleExpiresAt, absoluteExpiresAt)', async () => {
    const db = track(new Database(':memory:'))
    const clock = new ManualClock()
    const store = new SqliteStore({ database: db, clock: clock.now })
    const now = clock.now()
    const row = (id: string) =>
      db
        .prepare<[string], { expires_at: number; version: number }>(
          'SELECT expires_at, version FROM tessera_sessions WHERE id = ?',
        )
        .get(id)
    const record = makeRecord(
      { idleExpiresAt: now + 1000, absoluteExpiresAt: now + 5000, version: 3 },
      now,
    )
    await store.create(record)
    expect(row(record.id)).toEqual({ expires_at: now + 1000, version: 3 })
    await store.touch(record.id, now + 1, now + 2000)
    expect(row(record.id)).toEqual({ expires_at: now + 2000, version: 3 })
    await store.touch(record.id, now + 2, now + 9000)
    expect(row(record.id)).toEqual({ expires_at: now + 5000, version: 3 })
    expect(await store.get(record.id)).toEqual({
      ...record,
      lastSeenAt: now + 2,
      idleExpiresAt: now + 9000,
    })
    await store.update(
      { ...record, absoluteExpiresAt: now + 4000, idleExpiresAt: now + 9000, version: 4 },
      3,
    )
    expect(row(record.id)).toEqual({ expires_at: now + 4000, version: 4 })
  })

  it('deleteExpired removes more rows than fit in one batch', async () => {
    const db = track(new Database(':memory:'))
    const clock = new ManualClock()
    const store = new SqliteStore({ database: db, clock: clock.now })
    const now = clock.now()
    await store.get('x')
    const insert = db.prepare('INSERT INTO tessera_sessions VALUES (?, NULL, ?, 1, ?)')
    db.transaction(() => {
      for (let i = 0; i < 2500; i++) {
        const r = makeRecord({ idleExpiresAt: now + 1000 }, now)
        insert.run(r.id, now + 1000, JSON.stringify(r))
      }
    })()
    const live = makeRecord({}, now)
    await store.create(live)
    clock.advance(1000)
    expect(await store.deleteExpired()).toBe(2500)
    expect(db.prepare('SELECT count(*) FROM tessera_sessions').pluck().get()).toBe(1)
    expect(await store.get(live.id)).toEqual(live)
  })
})

describe('sqlite store setup', () => {
  it('creates the folder of a new database file at construction', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tessera-sqlite-dir-'))
    try {
      const path = join(root, 'nested', 'data', 'sessions.sqlite3')
      const store = new SqliteStore({ path })
      expect(existsSync(join(root, 'nested', 'data'))).toBe(true)
      expect(await store.get('missing')).toBeNull()
      await store.close()
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
