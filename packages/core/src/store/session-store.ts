import type { SessionRecord } from './session-record.js'

/** Options of the optional {@link SessionStore.scan}. */
export interface ScanOptions {
  /**
   * The most records one page may hold. A page may hold fewer (a store that filters
   * expired records out of a page does not refill it), but is never empty.
   * @default 500
   */
  batchSize?: number
}

/** Options of {@link SessionStore.deleteExpired}. */
export interface DeleteExpiredOptions {
  /**
   * Called after each batch a store deletes, with the running total, so an operator's
   * command can show progress on a large store. Stores that delete in one step may call
   * it once, or never when they delete nothing.
   */
  onProgress?: (deletedSoFar: number) => void
}

/** Outcome of a compare-and-set {@link SessionStore.update}. */
export type UpdateResult = 'ok' | 'conflict' | 'missing'

/**
 * The whole storage contract: eight small methods over plain {@link SessionRecord}s,
 * plus two optional ones for operator tools (`scan`, `countExpired`).
 *
 * Guarantees every implementation gives (the conformance suite in
 * `@tessera/testing` checks each one):
 * - `get` returns `null` for a missing record and for one whose
 *   `min(idleExpiresAt, absoluteExpiresAt)` is not in the future by the store's clock.
 * - `create` is an atomic insert-if-absent (Django's `must_create`): it returns `false`
 *   and changes nothing when a live record with that id exists.
 * - `update` writes `record` only when the stored version equals `expectedVersion`
 *   (`'ok'`), otherwise changes nothing and answers `'conflict'`, or `'missing'` when
 *   there is no live record. The caller sets `record.version` to `expectedVersion + 1`.
 * - `touch` moves `lastSeenAt`/`idleExpiresAt` of a live record without changing its
 *   version, so sliding expiry never causes write conflicts. Given `expectedVersion`,
 *   it does so only while the stored version is exactly that, in the same atomic step
 *   (else it answers `false` and changes nothing): a renewal never undoes the idle
 *   deadline a concurrent write set (`setExpiry`).
 * - `listByUser`/`deleteByUser` see exactly the live records whose `userId` matches.
 * - `deleteExpired` removes expired records and returns how many; stores that expire
 *   natively (Redis TTLs) may return 0.
 * - `scan` (optional: operator tools such as `tessera sessions list` need it, apps do
 *   not) yields every record live for the whole walk at least once, in pages of at most
 *   `batchSize`, and never an expired one. It holds one page in memory at a time, so it
 *   walks stores of millions of sessions; a record written during the walk may or may
 *   not appear, and a store whose cursor can revisit keys (Redis SCAN) may yield one
 *   record twice.
 * - `countExpired` (optional) answers how many records `deleteExpired` would remove now,
 *   so a command can show a progress bar with a total. Stores that expire natively omit
 *   it.
 *
 * - Records go in and out by value: `get` and `listByUser` return records the caller
 *   owns (fresh objects, e.g. parsed from JSON), and a record passed to `create` or
 *   `update` is not kept by reference. The manager relies on this to avoid copying.
 *   (`getNow` and `getShared` may instead hand out a frozen record they keep: see there.)
 *
 * Stores throw whatever their driver throws; the session manager wraps every call in a
 * timeout and turns failures into a `StoreError`.
 */
export interface SessionStore {
  get(id: string): Promise<SessionRecord | null>
  /**
   * `get`, answered synchronously where the store can answer without waiting on I/O:
   * always for an embedded store (`MemoryStore`, `SqliteStore`), for a session it keeps
   * for a store that talks to a server (`RedisStore` with `clientSideCache`). `undefined`
   * where it cannot: the manager then reads through `getShared` or `get`. Optional. When
   * present, the manager loads a request's session through it — the same contract as
   * `get`, without a promise or the store timeout (a synchronous call cannot be cut
   * short anyway); a throw is a failure, as `get`'s rejection is. A subclass that
   * overrides `get` but not `getNow` is read through its `get`. Unlike `get`'s, the
   * record is the caller's to read, not to change (the manager never changes one): a
   * store may hand every caller the record it holds, frozen all the way down, as
   * `MemoryStore` does — a copy per read would be the one cost left on that path.
   */
  getNow?(id: string): SessionRecord | null | undefined
  /**
   * `get`, for a caller that only reads the record: it may be shared with other callers
   * and frozen all the way down, as `getNow`'s may. Optional; for a store that talks to a
   * server and keeps the records it parsed (`RedisStore`, `PostgresStore`), so that a
   * session read again, unchanged, is not parsed again; it may also send the reads of one
   * event-loop turn together (`PostgresStore`: one statement), each still made after it
   * was asked for. The manager loads a request's session through
   * it when the store has no `getNow`. A subclass that overrides `get` but not
   * `getShared` is read through its `get`.
   */
  getShared?(id: string): Promise<SessionRecord | null>
  create(record: SessionRecord): Promise<boolean>
  update(record: SessionRecord, expectedVersion: number): Promise<UpdateResult>
  /**
   * Sliding expiry: sets `lastSeenAt` and `idleExpiresAt` of the live record `id` (its
   * expiry still capped by `absoluteExpiresAt`), leaving its version, data and every
   * other field alone. Answers `true` when it moved a live record, `false` (and changes
   * nothing) when there is none: unknown, deleted or expired ids are never created.
   *
   * With `expectedVersion`, it touches only while the stored `version` is exactly that,
   * checked in the same atomic operation as the write (a compare-and-set as `update`'s),
   * and answers `false` otherwise. The manager's renewal passes the version it loaded:
   * a session another request wrote since (a `setExpiry(60)` among others) already has
   * the idle deadline that writer chose, which a late renewal must not move. Without
   * it, the touch is unconditional, as before; a store written before the argument
   * existed ignores it and keeps working, only without that protection.
   */
  touch(
    id: string,
    lastSeenAt: number,
    idleExpiresAt: number,
    expectedVersion?: number,
  ): Promise<boolean>
  delete(id: string): Promise<void>
  listByUser(userId: string): Promise<SessionRecord[]>
  /** Deletes the user's sessions, keeping `exceptId` when given; returns how many went. */
  deleteByUser(userId: string, exceptId?: string): Promise<number>
  deleteExpired(options?: DeleteExpiredOptions): Promise<number>
  /** Every live record, page by page; see the guarantees above. Optional. */
  scan?(options?: ScanOptions): AsyncIterable<SessionRecord[]>
  /** How many expired records `deleteExpired` would remove now. Optional. */
  countExpired?(): Promise<number>
  /** Releases connections or file handles. Optional. */
  close?(): Promise<void>
}

/** The methods every {@link SessionStore} must have (the others are optional). */
export const SESSION_STORE_METHODS = [
  'get',
  'create',
  'update',
  'touch',
  'delete',
  'listByUser',
  'deleteByUser',
  'deleteExpired',
] as const satisfies ReadonlyArray<keyof SessionStore>

/** A source of the current time in milliseconds; injectable so tests freeze time. */
export type Clock = () => number
