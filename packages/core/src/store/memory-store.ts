import { copyJson } from '../lib/copy-json.js'
import { freezeJson } from '../lib/freeze-json.js'
import { scanBatchSize } from './scan-batch-size.js'
import { expiresAt, type SessionRecord } from './session-record.js'
import type {
  Clock,
  DeleteExpiredOptions,
  ScanOptions,
  SessionStore,
  UpdateResult,
} from './session-store.js'

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Source of the current time, used to decide which records have expired.
   * @default Date.now
   */
  clock?: Clock
}

/**
 * A {@link SessionStore} that keeps records in a `Map` of this process.
 *
 * For tests and single-process development only: every session dies with the process
 * and is invisible to every other process, so with two app instances behind a load
 * balancer users appear to be logged out at random.
 *
 * Guarantees: every method runs to completion without yielding between its read and
 * its write, so `create` is an atomic insert-if-absent, `update` an atomic
 * compare-and-set and `touch` with an `expectedVersion` touches only that version,
 * exactly as the contract demands of real stores. Records are deep copied on the way
 * in and out: mutating an object passed to or returned from the store never changes
 * what it holds. A record is held as the JSON the SQLite and Redis stores
 * would hand back (one JSON round trip when it is written), frozen all the way down;
 * `get`, `listByUser` and `scan` copy it (`copyJson`, cheaper than `JSON.parse` or
 * `structuredClone`), while `getNow` — the manager's per-request read, which never
 * changes a record — hands out the frozen record itself, which no reader can change.
 * Expired records are invisible
 * from the instant `min(idleExpiresAt, absoluteExpiresAt)` is reached and are dropped
 * lazily when met, or all at once by `deleteExpired`.
 *
 * @example
 * ```ts
 * const store = new MemoryStore()
 * const record = makeRecord({ userId: 'u1' })
 * await store.create(record)                               // true
 * await store.update({ ...record, version: 2 }, 1)         // 'ok'
 * await store.update({ ...record, version: 2 }, 1)         // 'conflict'
 * await store.deleteByUser('u1')                           // 1
 * ```
 */
export class MemoryStore implements SessionStore {
  readonly #clock: Clock
  readonly #records = new Map<string, SessionRecord>()
  readonly #byUser = new Map<string, Set<string>>()

  constructor(options: MemoryStoreOptions = {}) {
    this.#clock = options.clock ?? Date.now
  }

  async get(id: string): Promise<SessionRecord | null> {
    const record = this.getNow(id)
    return record ? copyJson(record) : null
  }

  /**
   * {@link get}, synchronously: the manager reads sessions through it. The record is the
   * stored one, frozen (as `getNow`'s contract allows): no copy on the per-request path.
   */
  getNow(id: string): SessionRecord | null {
    return this.#live(id, this.#clock()) ?? null
  }

  async create(record: SessionRecord): Promise<boolean> {
    if (this.#live(record.id, this.#clock())) return false
    this.#put(asJson(record))
    return true
  }

  async update(record: SessionRecord, expectedVersion: number): Promise<UpdateResult> {
    const stored = this.#live(record.id, this.#clock())
    if (!stored) return 'missing'
    if (stored.version !== expectedVersion) return 'conflict'
    this.#remove(stored.id)
    this.#put(asJson(record))
    return 'ok'
  }

  async touch(
    id: string,
    lastSeenAt: number,
    idleExpiresAt: number,
    expectedVersion?: number,
  ): Promise<boolean> {
    const stored = this.#live(id, this.#clock())
    if (!stored) return false
    if (expectedVersion !== undefined && stored.version !== expectedVersion) return false
    // The held record is frozen (getNow hands it out): a new one replaces it.
    this.#records.set(id, Object.freeze({ ...stored, lastSeenAt, idleExpiresAt }))
    return true
  }

  async delete(id: string): Promise<void> {
    this.#remove(id)
  }

  async listByUser(userId: string): Promise<SessionRecord[]> {
    const ids = this.#byUser.get(userId)
    if (!ids) return []
    const now = this.#clock()
    const out: SessionRecord[] = []
    // Copy the ids first: #live may drop expired entries from the set being walked.
    for (const id of [...ids]) {
      const record = this.#live(id, now)
      if (record) out.push(copyJson(record))
    }
    return out
  }

  async deleteByUser(userId: string, exceptId?: string): Promise<number> {
    const ids = this.#byUser.get(userId)
    if (!ids) return 0
    const now = this.#clock()
    let deleted = 0
    for (const id of [...ids]) {
      if (id === exceptId) continue
      const record = this.#records.get(id)
      if (record && now < expiresAt(record)) deleted++
      this.#remove(id)
    }
    return deleted
  }

  async deleteExpired(options: DeleteExpiredOptions = {}): Promise<number> {
    const now = this.#clock()
    let deleted = 0
    for (const [id, record] of this.#records) {
      if (now >= expiresAt(record)) {
        this.#remove(id)
        deleted++
      }
    }
    if (deleted > 0) options.onProgress?.(deleted)
    return deleted
  }

  async countExpired(): Promise<number> {
    const now = this.#clock()
    let expired = 0
    for (const record of this.#records.values()) if (now >= expiresAt(record)) expired++
    return expired
  }

  async *scan(options: ScanOptions = {}): AsyncGenerator<SessionRecord[]> {
    const size = scanBatchSize(options)
    // A snapshot of the ids, so records created or deleted while the caller works on a
    // page neither break the walk nor make it run forever.
    const ids = [...this.#records.keys()]
    for (let i = 0; i < ids.length; i += size) {
      const now = this.#clock()
      const page: SessionRecord[] = []
      for (const id of ids.slice(i, i + size)) {
        const record = this.#live(id, now)
        if (record) page.push(copyJson(record))
      }
      if (page.length > 0) yield page
    }
  }

  /** The stored record when it is live; an expired one is dropped on the spot. */
  #live(id: string, now: number): SessionRecord | undefined {
    const record = this.#records.get(id)
    if (!record) return undefined
    if (now < expiresAt(record)) return record
    this.#remove(id)
    return undefined
  }

  #put(record: SessionRecord): void {
    this.#records.set(record.id, record)
    if (record.userId === null) return
    let ids = this.#byUser.get(record.userId)
    if (!ids) {
      ids = new Set()
      this.#byUser.set(record.userId, ids)
    }
    ids.add(record.id)
  }

  #remove(id: string): void {
    const record = this.#records.get(id)
    if (!record) return
    this.#records.delete(id)
    if (record.userId === null) return
    const ids = this.#byUser.get(record.userId)
    ids?.delete(id)
    // Drop empty sets so a long-running dev server does not accumulate one per user ever seen.
    if (ids?.size === 0) this.#byUser.delete(record.userId)
  }
}

/** `record` as the JSON a store would hold (what SQLite and Redis hand back), frozen. */
function asJson(record: SessionRecord): SessionRecord {
  return freezeJson(JSON.parse(JSON.stringify(record)) as SessionRecord)
}
