import { setImmediate as nextTurn } from 'node:timers/promises'
import type { SessionRecord } from '@tessera/core'
import { SqliteStore } from '@tessera/store-sqlite'
import { ManualClock, makeRecord } from '@tessera/testing'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTempDatabase } from './support/temp-database.js'

// getNow answers a session it read before from memory while PRAGMA data_version has not
// moved. What must hold: a read sees every commit made before its turn began (by another
// process, here a raw connection no store knows of, or by another store of this process),
// every write of its own store at once, and never a record past its expiry.
describe('sqlite store › getNow answers from memory while the database has not changed', () => {
  const temp = useTempDatabase('tessera-sqlite-current-')
  const track = temp.track
  let file: string
  beforeEach(() => {
    file = temp.file()
  })

  async function setUp(count = 1, path = file) {
    const clock = new ManualClock()
    const store = track(new SqliteStore({ path, clock: clock.now }))
    const records: SessionRecord[] = []
    for (let n = 0; n < count; n++) {
      const record = makeRecord({ data: { n: 0 } }, clock.now())
      await store.create(record)
      records.push(record)
    }
    await nextTurn()
    const other = track(new Database(path))
    other.pragma('busy_timeout = 2000')
    const rewrite = other.prepare('UPDATE tessera_sessions SET record = ? WHERE id = ?')
    const remove = other.prepare('DELETE FROM tessera_sessions WHERE id = ?')
    const read = other
      .prepare<[string, number], string>(
        'SELECT record FROM tessera_sessions WHERE id = ? AND expires_at > ?',
      )
      .pluck()
    return {
      clock,
      store,
      other,
      records,
      /** What the database holds for `id` now, as another connection reads it. */
      stored: (id: string): SessionRecord | null => {
        const json = read.get(id, clock.now())
        return json === undefined ? null : (JSON.parse(json) as SessionRecord)
      },
      /** Another process rewrites the session's data (its version left alone). */
      commitElsewhere: (record: SessionRecord, n: number): void => {
        rewrite.run(JSON.stringify({ ...record, data: { n } }), record.id)
      },
      /** Another process deletes the session: a revocation. */
      deleteElsewhere: (id: string): void => {
        remove.run(id)
      },
    }
  }

  it('a session read again in a later turn is the same record; a commit from another process shows at the next turn', async () => {
    const { store, records, commitElsewhere } = await setUp()
    const [record] = records as [SessionRecord]
    const first = store.getNow(record.id)
    await nextTurn()
    expect(store.getNow(record.id)).toBe(first)
    commitElsewhere(record, 7)
    // The same turn: as with the turn's shared transaction, the turn began before it.
    expect(store.getNow(record.id)).toBe(first)
    await nextTurn()
    expect(store.getNow(record.id)?.data).toEqual({ n: 7 })
  })

  it('a session another process deletes is gone at the next turn', async () => {
    const { store, records, deleteElsewhere } = await setUp()
    const [record] = records as [SessionRecord]
    expect(store.getNow(record.id)?.id).toBe(record.id)
    await nextTurn()
    expect(store.getNow(record.id)?.id).toBe(record.id)
    deleteElsewhere(record.id)
    await nextTurn()
    expect(store.getNow(record.id)).toBeNull()
  })

  it('a session held in memory expires on the clock, with no write anywhere', async () => {
    const { store, records, clock } = await setUp()
    const [record] = records as [SessionRecord]
    expect(store.getNow(record.id)?.id).toBe(record.id)
    clock.set(record.idleExpiresAt - 1)
    expect(store.getNow(record.id)?.id).toBe(record.id)
    clock.set(record.idleExpiresAt)
    expect(store.getNow(record.id)).toBeNull()
    await nextTurn()
    expect(store.getNow(record.id)).toBeNull()
  })

  it("the store's own writes show at once, in the same turn", async () => {
    const { store, records, clock } = await setUp(2)
    const [one, two] = records as [SessionRecord, SessionRecord]
    store.getNow(one.id)
    store.getNow(two.id)
    const next = { ...one, data: { n: 1 }, version: one.version + 1 }
    expect(await store.update(next, one.version)).toBe('ok')
    expect(store.getNow(one.id)?.data).toEqual({ n: 1 })
    clock.advance(60_000)
    const seen = clock.now()
    expect(await store.touch(one.id, seen, seen + 30 * 60_000)).toBe(true)
    expect(store.getNow(one.id)?.lastSeenAt).toBe(seen)
    await store.delete(two.id)
    expect(store.getNow(two.id)).toBeNull()
    expect(await store.deleteByUser('nobody')).toBe(0)
    await store.delete(one.id)
    expect(store.getNow(one.id)).toBeNull()
  })

  it('a write through another SqliteStore of this process shows at once, in the same turn', async () => {
    const { store, records, clock } = await setUp()
    const [record] = records as [SessionRecord]
    const second = track(new SqliteStore({ path: file, clock: clock.now }))
    expect(store.getNow(record.id)?.data).toEqual({ n: 0 })
    const next = { ...record, data: { n: 2 }, version: record.version + 1 }
    expect(await second.update(next, record.version)).toBe('ok')
    expect(store.getNow(record.id)?.data).toEqual({ n: 2 })
    await second.delete(record.id)
    expect(store.getNow(record.id)).toBeNull()
  })

  it('with shareTurnReads: false, every read sees every commit made before it', async () => {
    const clock = new ManualClock()
    const store = track(new SqliteStore({ path: file, clock: clock.now, shareTurnReads: false }))
    const record = makeRecord({ data: { n: 0 } }, clock.now())
    await store.create(record)
    const other = track(new Database(file))
    other.pragma('busy_timeout = 2000')
    expect(store.getNow(record.id)?.data).toEqual({ n: 0 })
    other
      .prepare('UPDATE tessera_sessions SET record = ? WHERE id = ?')
      .run(JSON.stringify({ ...record, data: { n: 3 } }), record.id)
    expect(store.getNow(record.id)?.data).toEqual({ n: 3 })
  })

  // Any interleaving of reads, turns, clock moves, and writes by the store, by another
  // store of this process and by another process: whenever no other process committed
  // since the turn began, getNow answers exactly what the database holds.
  it('answers what the database holds, whatever happened before (property)', async () => {
    type Step =
      | { kind: 'read' | 'turn' | 'delete' | 'deleteElsewhere' | 'touch'; at: number }
      | { kind: 'update' | 'updateBySecondStore' | 'commitElsewhere'; at: number; n: number }
      | { kind: 'advance'; ms: number }
    const at = fc.nat(2)
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('read' as const), at }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('turn' as const), at }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constantFrom('delete' as const, 'deleteElsewhere' as const, 'touch' as const),
          at,
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constantFrom(
            'update' as const,
            'updateBySecondStore' as const,
            'commitElsewhere' as const,
          ),
          at,
          n: fc.nat(1000),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          ms: fc.constantFrom(1, 60_000, 29 * 60_000, 31 * 60_000),
        }),
      },
    )
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const path = temp.file(`run-${run++}.db`)
        const set = await setUp(3, path)
        const { store, other, records, clock, stored, commitElsewhere, deleteElsewhere } = set
        const second = new SqliteStore({ path, clock: clock.now })
        try {
          // Whether another process committed since the store's turn began.
          let foreign = false
          for (const s of steps) {
            if (s.kind === 'advance') {
              clock.advance(s.ms)
              continue
            }
            const id = (records[s.at] as SessionRecord).id
            const now = stored(id)
            switch (s.kind) {
              case 'read':
                if (!foreign) expect(store.getNow(id)).toEqual(now)
                break
              case 'turn':
                await nextTurn()
                foreign = false
                break
              case 'delete':
                await store.delete(id)
                foreign = false
                break
              case 'touch':
                await store.touch(id, clock.now(), clock.now() + 30 * 60_000)
                foreign = false
                break
              case 'update':
              case 'updateBySecondStore':
                // No row, no write: the turn, and what it may still answer, go on.
                if (now !== null) {
                  const writer = s.kind === 'update' ? store : second
                  const next = { ...now, data: { n: s.n }, version: now.version + 1 }
                  expect(await writer.update(next, now.version)).toBe('ok')
                  foreign = false
                }
                break
              case 'commitElsewhere':
                if (now !== null) commitElsewhere(now, s.n)
                foreign = true
                break
              case 'deleteElsewhere':
                deleteElsewhere(id)
                foreign = true
                break
            }
          }
          await nextTurn()
          for (const { id } of records) expect(store.getNow(id)).toEqual(stored(id))
        } finally {
          await second.close()
          await store.close()
          other.close()
        }
      }),
      { numRuns: 60 },
    )
  })
})
