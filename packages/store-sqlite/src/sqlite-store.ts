import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import {
  type Clock,
  ConfigError,
  type DeleteExpiredOptions,
  expiresAt,
  ParsedRecordCache,
  type ScanOptions,
  type SessionRecord,
  type SessionStore,
  scanBatchSize,
  type UpdateResult,
} from '@tessera/core'
import Database from 'better-sqlite3'
import { BusyWait } from './lib/busy-wait.js'
import { endTurnReads, TurnReadTransaction } from './lib/turn-read-transaction.js'

/** Options of {@link SqliteStore}. Give exactly one of `path` and `database`. */
export interface SqliteStoreOptions {
  /**
   * File to open (created, with its folder, when absent), or `':memory:'`. The store
   * closes what it opens.
   */
  path?: string
  /** An open better-sqlite3 connection; the store never closes it. */
  database?: Database.Database
  /**
   * Table holding the sessions; must match `/^[A-Za-z_][A-Za-z0-9_]{0,62}$/`.
   * @default 'tessera_sessions'
   */
  table?: string
  /**
   * Source of the current time, used to decide which records have expired.
   * @default Date.now
   */
  clock?: Clock
  /**
   * Whether the session reads of one event-loop turn share one read transaction, which
   * the store opens at the turn's second read and commits at its end (`setImmediate`).
   * In WAL mode every read transaction locks and unlocks a read mark in the `-shm` file
   * (two `fcntl` system calls), which costs more than the indexed read; under load, the
   * requests Node parsed in one poll phase then pay it about once. The turn's first read
   * runs alone, as every read does without this. Later reads see the database as the
   * second read saw it: a commit made by another process during the turn shows at the
   * next turn. A write through any `SqliteStore` of this process ends every such
   * transaction first, so this process always reads its own writes. With it, too,
   * `getNow` answers a session it read before from memory while `PRAGMA data_version`
   * (read once per turn) says no other connection committed and the store has not
   * written that session since: what a read can see is the same. Only on a connection
   * the store opened from `path`, in WAL mode; never on a given `database`, where the
   * transaction would also hold the application's statements. `false`: every read is a
   * transaction of its own and sees every commit made before it.
   * @default true
   */
  shareTurnReads?: boolean
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
// The most records getNow answers from memory; past it, it starts over.
const CURRENT_CAPACITY = 4096
const BATCH = 1000

/**
 * A {@link SessionStore} in one SQLite table, on better-sqlite3: the embedded default.
 *
 * Each record is one row: the whole {@link SessionRecord} as JSON in `record`, beside
 * the columns the store queries (`user_id`, `expires_at` =
 * `min(idleExpiresAt, absoluteExpiresAt)`, `version`), both indexed. The table and its
 * indexes are created on first use; a file database is switched to WAL so readers never
 * block the writer.
 *
 * Guarantees: `create` is an atomic insert-if-absent and `update` an atomic
 * compare-and-set, also across several connections or processes on the same file, as
 * SQLite serialises writers. `touch` rewrites only `lastSeenAt`/`idleExpiresAt` and
 * `expires_at`, never `version`; given an `expectedVersion`, its one `UPDATE` also
 * matches only that `version`. Expired rows are invisible to every read from the
 * instant they expire; `deleteExpired` removes them in batches. Methods return promises
 * for the contract, but run synchronously: a slow query blocks the event loop.
 *
 * @throws {ConfigError} `CONFIG_INVALID` when not exactly one of `path` and `database`
 * is given, `path` is empty, or `table` is not a plain identifier.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: 'data/sessions.db' })
 * const manager = new SessionManager({ store, secret: process.env.TESSERA_SECRET! })
 * setInterval(() => void store.deleteExpired(), 60 * 60_000).unref()
 * process.on('SIGTERM', () => void store.close())
 * ```
 */
export class SqliteStore implements SessionStore {
  readonly #clock: Clock
  readonly #table: string
  readonly #path: string | undefined
  readonly #owned: boolean
  readonly #shareTurnReads: boolean
  #db: Database.Database | undefined
  #statements: Statements | undefined
  // Set with the statements, on the connection they were prepared on.
  #busy: BusyWait | undefined
  #turn: TurnReadTransaction | undefined
  // The sessions getNow parsed last (4,096 at most): the ones in use now.
  readonly #parsed = new ParsedRecordCache()
  // The records getNow read since the database last changed, for a turn to answer
  // without a row read (see getNow); only with a turn read transaction.
  readonly #current = new Map<string, SessionRecord>()
  // PRAGMA data_version when #current was last checked against it.
  #dataVersion: number | undefined

  constructor(options: SqliteStoreOptions) {
    const { path, database } = options
    if ((path === undefined) === (database === undefined)) {
      throw new ConfigError('SqliteStore: give exactly one of "path" and "database"')
    }
    if (path !== undefined && (typeof path !== 'string' || path === '')) {
      throw new ConfigError('SqliteStore: "path" must be a non-empty string')
    }
    const table = options.table ?? 'tessera_sessions'
    if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
      throw new ConfigError('SqliteStore: "table" must match /^[A-Za-z_][A-Za-z0-9_]{0,62}$/')
    }
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new ConfigError('SqliteStore: "clock" must be a function returning milliseconds')
    }
    // The folder is made now, at startup: the database itself opens on first use, and a
    // path that cannot work must fail while the app starts, not on its first request.
    if (path !== undefined && path !== ':memory:' && !path.startsWith('file:')) {
      try {
        mkdirSync(dirname(path), { recursive: true })
      } catch (cause) {
        throw new ConfigError(
          `SqliteStore: cannot create the folder for "path" (${(cause as Error).message})`,
        )
      }
    }
    if (options.shareTurnReads !== undefined && typeof options.shareTurnReads !== 'boolean') {
      throw new ConfigError('SqliteStore: "shareTurnReads" must be a boolean')
    }
    this.#clock = options.clock ?? Date.now
    this.#shareTurnReads = options.shareTurnReads ?? true
    this.#table = table
    this.#path = path
    this.#owned = database === undefined
    this.#db = database
  }

  async get(id: string): Promise<SessionRecord | null> {
    const json = this.#readRow(id)
    return json === undefined ? null : (JSON.parse(json) as SessionRecord)
  }

  /**
   * {@link get}, synchronously (better-sqlite3 reads synchronously anyway): the manager
   * reads sessions through it, without a promise. The record is frozen, for reading
   * only, and is the same object as long as its row holds the same JSON text (a row
   * rewritten by anyone is parsed again).
   *
   * With `shareTurnReads` (the default on a WAL file the store opened), a session read
   * before is answered without reading its row while the database has not changed:
   * at the first read of each turn the store asks SQLite's `PRAGMA data_version`, which
   * moves whenever another connection commits (another process, or another store of
   * this one), and forgets every record it held if it moved. Its own writes forget the
   * record they change (all of them when they change several); a write through another
   * `SqliteStore` of this process starts a new turn, whose `data_version` has moved. So
   * a read sees every commit made before its turn began, as with the turn's shared
   * transaction, and never a record that has expired since.
   */
  getNow(id: string): SessionRecord | null {
    const held = this.#heldRecord(id)
    if (held !== undefined) return held
    const json = this.#readRow(id)
    if (json === undefined) {
      this.#current.delete(id)
      return null
    }
    const record = this.#parsed.read(id, json)
    if (this.#turn !== undefined) {
      if (this.#current.size >= CURRENT_CAPACITY) this.#current.clear()
      this.#current.set(id, record)
    }
    return record
  }

  /** The record of `id` getNow may answer without a row read: held, and not expired. */
  #heldRecord(id: string): SessionRecord | undefined {
    const statements = this.#use()
    const turn = this.#turn
    if (turn === undefined) return undefined
    this.#visit(turn, statements)
    const held = this.#current.get(id)
    return held !== undefined && expiresAt(held) > this.#clock() ? held : undefined
  }

  #readRow(id: string): string | undefined {
    const statements = this.#use()
    const turn = this.#turn
    if (turn !== undefined) {
      this.#visit(turn, statements)
      turn.enter()
    }
    return statements.get.get(id, this.#clock())
  }

  /** At the turn's first read: forgets the records held if another connection committed. */
  #visit(turn: TurnReadTransaction, statements: Statements): void {
    if (!turn.visit()) return
    const version = statements.dataVersion.get()
    if (version !== this.#dataVersion) {
      this.#dataVersion = version
      this.#current.clear()
    }
  }

  async create(record: SessionRecord): Promise<boolean> {
    return this.#write(record.id, (s) => s.create(record, this.#clock()))
  }

  async update(record: SessionRecord, expectedVersion: number): Promise<UpdateResult> {
    return this.#write(record.id, (s) => s.compareAndSet(record, expectedVersion, this.#clock()))
  }

  async touch(
    id: string,
    lastSeenAt: number,
    idleExpiresAt: number,
    expectedVersion?: number,
  ): Promise<boolean> {
    const json = [JSON.stringify(lastSeenAt), JSON.stringify(idleExpiresAt)] as const
    const args = [...json, idleExpiresAt, id, this.#clock()] as const
    const { changes } = this.#write(id, (s) =>
      expectedVersion === undefined
        ? s.touch.run(...args)
        : s.touchVersion.run(...args, expectedVersion),
    )
    return changes === 1
  }

  async delete(id: string): Promise<void> {
    this.#write(id, (s) => s.delete.run(id))
  }

  async listByUser(userId: string): Promise<SessionRecord[]> {
    return this.#use()
      .listByUser.all(userId, this.#clock())
      .map((json) => JSON.parse(json) as SessionRecord)
  }

  async deleteByUser(userId: string, exceptId?: string): Promise<number> {
    const now = this.#clock()
    // Expired rows of the user go too (they are dead weight), but only live ones count.
    return this.#write(undefined, (s) => s.deleteByUser.all(userId, exceptId ?? null)).filter(
      (expires) => expires > now,
    ).length
  }

  async deleteExpired(options: DeleteExpiredOptions = {}): Promise<number> {
    const now = this.#clock()
    let total = 0
    for (;;) {
      // One short write transaction per batch: a single DELETE over millions of rows
      // would hold the write lock, and this process's event loop, for its whole run.
      const { changes } = this.#write(undefined, (s) => s.deleteExpired.run(now, BATCH))
      total += changes
      if (changes > 0) options.onProgress?.(total)
      if (changes < BATCH) return total
      await yieldToEventLoop()
    }
  }

  async countExpired(): Promise<number> {
    return this.#use().countExpired.get(this.#clock()) ?? 0
  }

  /**
   * Every live record, `batchSize` (default 500) at a time, in id order. Each page is
   * one indexed query after the last id seen (keyset pagination), so the walk holds no
   * lock between pages and costs the same on page 1 and page 10,000.
   */
  async *scan(options: ScanOptions = {}): AsyncGenerator<SessionRecord[]> {
    const size = scanBatchSize(options)
    const statement = this.#use().scan
    let after = ''
    for (;;) {
      const rows = statement.all(after, this.#clock(), size)
      const last = rows.at(-1)
      if (last === undefined) return
      after = last.id
      yield rows.map((row) => JSON.parse(row.record) as SessionRecord)
      if (rows.length < size) return
    }
  }

  /** Closes the connection when the store opened it from `path`; a given `database` stays open. */
  async close(): Promise<void> {
    this.#parsed.clear()
    this.#current.clear()
    this.#dataVersion = undefined
    this.#turn?.end()
    this.#turn = undefined
    if (this.#owned && this.#db?.open) this.#db.close()
    this.#statements = undefined
  }

  /**
   * Runs one write with the statements, through {@link BusyWait} (a database another
   * process keeps locked stops the event loop once, not once per write). Every turn read
   * transaction of the process is committed first, or better-sqlite3 would run the write
   * as a SAVEPOINT inside this connection's, and other stores here would keep reading
   * their snapshot. `data_version` does not move for a connection's own commits, so the
   * records getNow holds are forgotten here: only `id`'s when the write touches that row
   * alone, all of them otherwise.
   */
  #write<T>(id: string | undefined, write: (statements: Statements) => T): T {
    this.#changing(id)
    const statements = this.#use()
    return (this.#busy as BusyWait).run(() => write(statements))
  }

  /** Ends the turn reads, and forgets `id`'s record (every record without an `id`). */
  #changing(id?: string): void {
    endTurnReads()
    if (id === undefined) this.#current.clear()
    else this.#current.delete(id)
  }

  #use(): Statements {
    this.#statements ??= this.#init()
    return this.#statements
  }

  #init(): Statements {
    this.#db ??= new Database(this.#path as string)
    const db = this.#db
    const wal = !db.memory && db.pragma('journal_mode = WAL', { simple: true }) === 'wal'
    // NORMAL is durable against application crashes in WAL mode; a power loss may drop
    // the last transactions, which for sessions means a few users log in again.
    db.pragma('synchronous = NORMAL')
    this.#busy = new BusyWait(db)
    const t = `"${this.#table}"`
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t} (
        id TEXT PRIMARY KEY,
        user_id TEXT NULL,
        expires_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS "${this.#table}_expires_at" ON ${t} (expires_at);
      CREATE INDEX IF NOT EXISTS "${this.#table}_user_id" ON ${t} (user_id) WHERE user_id IS NOT NULL;
    `)
    const statements = prepareStatements(db, t)
    if (this.#owned && wal && this.#shareTurnReads) this.#turn = new TurnReadTransaction(db)
    return statements
  }
}

type Statements = ReturnType<typeof prepareStatements>

/** Every statement the store runs, prepared once per connection. `t` is the quoted table. */
function prepareStatements(db: Database.Database, t: string) {
  const get = db
    .prepare<[string, number], string>(`SELECT record FROM ${t} WHERE id = ? AND expires_at > ?`)
    .pluck()
  const deleteExpiredId = db.prepare<[string, number]>(
    `DELETE FROM ${t} WHERE id = ? AND expires_at <= ?`,
  )
  // ON CONFLICT (id) rather than OR IGNORE: OR IGNORE would also swallow a NOT NULL
  // violation and report a malformed record as an id collision.
  const insert = db.prepare<[string, string | null, number, number, string]>(
    `INSERT INTO ${t} (id, user_id, expires_at, version, record) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  )
  const update = db.prepare<[string | null, number, number, string, string, number, number]>(
    `UPDATE ${t} SET user_id = ?, expires_at = ?, version = ?, record = ?
     WHERE id = ? AND version = ? AND expires_at > ?`,
  )
  const exists = db
    .prepare<[string, number], number>(`SELECT 1 FROM ${t} WHERE id = ? AND expires_at > ?`)
    .pluck()
  // json_set leaves version and data alone, so sliding expiry never conflicts with a
  // concurrent update; json(?) takes the numbers as JSON text, so none is rounded.
  const touch = `UPDATE ${t}
     SET record = json_set(record, '$.lastSeenAt', json(?), '$.idleExpiresAt', json(?)),
         expires_at = min(?, json_extract(record, '$.absoluteExpiresAt'))
     WHERE id = ? AND expires_at > ?`

  // Insert-if-absent, where an expired row no longer counts as present. Both steps in
  // one IMMEDIATE transaction, or another connection could slip a live row in between.
  const create = db.transaction((record: SessionRecord, now: number): boolean => {
    deleteExpiredId.run(record.id, now)
    const json = JSON.stringify(record)
    return (
      insert.run(record.id, record.userId, expiresAt(record), record.version, json).changes === 1
    )
  })

  // The follow-up SELECT only labels a failed compare-and-set; inside the same
  // transaction the label is true of the moment the UPDATE saw.
  const compareAndSet = db.transaction(
    (record: SessionRecord, expected: number, now: number): UpdateResult => {
      const json = JSON.stringify(record)
      const args = [
        record.userId,
        expiresAt(record),
        record.version,
        json,
        record.id,
        expected,
        now,
      ] as const
      if (update.run(...args).changes === 1) return 'ok'
      return exists.get(record.id, now) === undefined ? 'missing' : 'conflict'
    },
  )

  return {
    get,
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    create: (record: SessionRecord, now: number): boolean => create.immediate(record, now),
    compareAndSet: (record: SessionRecord, expected: number, now: number): UpdateResult =>
      compareAndSet.immediate(record, expected, now),
    touch: db.prepare<[string, string, number, string, number]>(touch),
    // The same, only while the row holds the version the caller loaded: one statement,
    // so a compare-and-set as `update`'s.
    touchVersion: db.prepare<[string, string, number, string, number, number]>(
      `${touch} AND version = ?`,
    ),
    delete: db.prepare<[string]>(`DELETE FROM ${t} WHERE id = ?`),
    listByUser: db
      .prepare<[string, number], string>(
        `SELECT record FROM ${t} WHERE user_id = ? AND expires_at > ?`,
      )
      .pluck(),
    deleteByUser: db
      .prepare<[string, string | null], number>(
        `DELETE FROM ${t} WHERE user_id = ? AND id IS NOT ? RETURNING expires_at`,
      )
      .pluck(),
    countExpired: db
      .prepare<[number], number>(`SELECT count(*) FROM ${t} WHERE expires_at <= ?`)
      .pluck(),
    scan: db.prepare<[string, number, number], { id: string; record: string }>(
      `SELECT id, record FROM ${t} WHERE id > ? AND expires_at > ? ORDER BY id LIMIT ?`,
    ),
    deleteExpired: db.prepare<[number, number]>(
      `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE expires_at <= ? LIMIT ?)`,
    ),
  }
}
