import { setImmediate as nextTurn } from 'node:timers/promises'
import { ConfigError } from '@tessera/core'
import { endTurnReads, SqliteStore, TurnReadTransaction } from '@tessera/store-sqlite'
import { ManualClock, makeRecord } from '@tessera/testing'
import Database from 'better-sqlite3'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTempDatabase } from './support/temp-database.js'

/** What `PRAGMA wal_checkpoint` returns: frames in the WAL, and how many it copied. */
interface Checkpoint {
  busy: number
  log: number
  checkpointed: number
}

// "Another process" is a second better-sqlite3 connection on the same file that no
// SqliteStore knows of: what it commits is seen only through the database, as a commit
// from another process would be.
describe('sqlite store › the session reads of one event-loop turn share a read transaction', () => {
  const temp = useTempDatabase('tessera-sqlite-turn-')
  const track = temp.track
  let file: string
  beforeEach(() => {
    file = temp.file()
  })

  /** A store with one live record, and a raw connection that rewrites that record's data. */
  async function setUp(options: { shareTurnReads?: boolean } = {}) {
    const clock = new ManualClock()
    const store = track(new SqliteStore({ path: file, clock: clock.now, ...options }))
    const record = makeRecord({ data: { n: 1 } }, clock.now())
    await store.create(record)
    await nextTurn()
    const other = track(new Database(file))
    other.pragma('busy_timeout = 2000')
    const commitElsewhere = (n: number): void => {
      const json = JSON.stringify({ ...record, data: { n } })
      other.prepare('UPDATE tessera_sessions SET record = ? WHERE id = ?').run(json, record.id)
    }
    return { store, record, other, commitElsewhere, clock }
  }

  it("the turn's first read stands alone; from the second on, reads see the second's snapshot; the next turn sees the other process's commit", async () => {
    const { store, record, commitElsewhere } = await setUp()
    expect((await store.get(record.id))?.data).toEqual({ n: 1 })
    commitElsewhere(2)
    expect((await store.get(record.id))?.data).toEqual({ n: 2 })
    commitElsewhere(3)
    expect((await store.get(record.id))?.data).toEqual({ n: 2 })
    await nextTurn()
    expect((await store.get(record.id))?.data).toEqual({ n: 3 })
  })

  it('with shareTurnReads: false, every read sees every commit made before it', async () => {
    const { store, record, commitElsewhere } = await setUp({ shareTurnReads: false })
    expect((await store.get(record.id))?.data).toEqual({ n: 1 })
    commitElsewhere(2)
    expect((await store.get(record.id))?.data).toEqual({ n: 2 })
  })

  it('a write in the same turn is committed at once, and the next read sees it', async () => {
    const { store, record, other, clock } = await setUp()
    await store.get(record.id)
    await store.get(record.id)
    const next = { ...record, data: { n: 3 }, version: record.version + 1 }
    expect(await store.update(next, record.version)).toBe('ok')
    const fresh = makeRecord({}, clock.now())
    expect(await store.create(fresh)).toBe(true)
    // Still the same turn: another connection already sees both rows.
    const seen = other.prepare('SELECT id FROM tessera_sessions ORDER BY id').pluck().all()
    expect(seen).toEqual([record.id, fresh.id].sort())
    expect((await store.get(record.id))?.data).toEqual({ n: 3 })
    expect(await store.get(fresh.id)).toEqual(fresh)
  })

  it("another SqliteStore of this process writing in the turn ends the turn's snapshot", async () => {
    const { store, record, clock } = await setUp()
    const second = track(new SqliteStore({ path: file, clock: clock.now }))
    expect((await store.get(record.id))?.data).toEqual({ n: 1 })
    expect((await store.get(record.id))?.data).toEqual({ n: 1 })
    const next = { ...record, data: { n: 4 }, version: record.version + 1 }
    expect(await second.update(next, record.version)).toBe('ok')
    expect((await store.get(record.id))?.data).toEqual({ n: 4 })
  })

  it('once the turn ends, a checkpoint of the whole WAL is not held back', async () => {
    const { store, record, other, commitElsewhere } = await setUp()
    await store.get(record.id)
    await store.get(record.id)
    commitElsewhere(5)
    // Mid-turn the store's snapshot keeps the newest frame out of the database file;
    const during = other.pragma('wal_checkpoint(PASSIVE)') as Checkpoint[]
    expect(during[0]?.checkpointed).toBeLessThan(during[0]?.log as number)
    // at the next turn, nothing does.
    await nextTurn()
    const after = other.pragma('wal_checkpoint(PASSIVE)') as Checkpoint[]
    expect(after[0]?.checkpointed).toBe(after[0]?.log)
    expect((await store.get(record.id))?.data).toEqual({ n: 5 })
  })

  it('a store closed mid-turn commits its read first', async () => {
    const { store, record, other, clock } = await setUp()
    await store.get(record.id)
    await store.get(record.id)
    await store.close()
    const checkpoint = other.pragma('wal_checkpoint(PASSIVE)') as Checkpoint[]
    expect(checkpoint[0]?.checkpointed).toBe(checkpoint[0]?.log)
    const again = track(new SqliteStore({ path: file, clock: clock.now }))
    expect((await again.get(record.id))?.data).toEqual({ n: 1 })
  })

  it('never on a given database: the application statements on it stay its own', async () => {
    const db = track(new Database(file))
    db.pragma('journal_mode = WAL')
    const store = new SqliteStore({ database: db })
    await store.get('x')
    expect(db.inTransaction).toBe(false)
  })

  it('rejects a shareTurnReads that is not a boolean', () => {
    expect(() => new SqliteStore({ path: ':memory:', shareTurnReads: 1 as never })).toThrow(
      new ConfigError('SqliteStore: "shareTurnReads" must be a boolean'),
    )
  })
})

describe('TurnReadTransaction, for an application table on a connection it owns', () => {
  const temp = useTempDatabase('tessera-sqlite-turn-')

  it('opens at the second read of a turn, commits at its end or at endTurnReads, tells the first visit of a turn, and leaves a transaction of the application alone', async () => {
    const db = new Database(temp.file('app.db'))
    try {
      db.pragma('journal_mode = WAL')
      db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY)')
      const reads = new TurnReadTransaction(db)
      reads.enter()
      expect(db.inTransaction).toBe(false)
      reads.enter()
      expect(db.inTransaction).toBe(true)
      reads.enter()
      expect(db.inTransaction).toBe(true)
      await nextTurn()
      expect(db.inTransaction).toBe(false)

      reads.enter()
      reads.enter()
      endTurnReads()
      expect(db.inTransaction).toBe(false)
      await nextTurn()

      // visit(): true at the first read of a turn, and again after a write of this process.
      expect(reads.visit()).toBe(true)
      expect(reads.visit()).toBe(false)
      reads.enter()
      expect(db.inTransaction).toBe(false)
      endTurnReads()
      expect(reads.visit()).toBe(true)
      await nextTurn()
      expect(reads.visit()).toBe(true)
      await nextTurn()

      db.exec('BEGIN IMMEDIATE')
      reads.enter()
      reads.enter()
      await nextTurn()
      expect(db.inTransaction).toBe(true)
      db.exec('COMMIT')
    } finally {
      db.close()
    }
  })
})
