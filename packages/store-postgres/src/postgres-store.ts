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
import type { Pool, QueryResult, QueryResultRow } from 'pg'
import { encodeRecord, expiryParam, isStorableKey, nowParam } from './lib/encode-record.js'
import { runMigration } from './lib/run-migration.js'
import { assertPool, SESSIONS, sessionMigration } from './lib/schema.js'
import { type TableName, tableName } from './lib/table-name.js'
import { TurnReads } from './lib/turn-reads.js'

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** The application's pool. The store borrows connections and never ends it. */
  pool: Pool
  /**
   * Table holding the sessions: `name` or `schema.name`, each part matching
   * `/^[A-Za-z_][A-Za-z0-9_]{0,62}$/`. Quoted in SQL, so case is kept.
   * @default 'tessera_sessions'
   */
  table?: string
  /**
   * Source of the current time, used to decide which records have expired. The
   * database clock is never used, so app and database clocks need not agree.
   * @default Date.now
   */
  clock?: Clock
  /**
   * Create the table and its indexes on first use when they are missing (see
   * `migrate`). Set `false` when a deploy step runs `migrate` and the app's database
   * role may not run DDL.
   * @default true
   */
  migrate?: boolean
}

const BATCH = 1000

/**
 * A {@link SessionStore} in one PostgreSQL table, on `pg`: for many app instances on
 * one database.
 *
 * Each record is one row: the whole {@link SessionRecord} as `jsonb` in `record`, beside
 * the columns the store queries: `user_id` (partial index), `expires_at` =
 * `min(idleExpiresAt, absoluteExpiresAt)` in milliseconds as a `bigint` (indexed), and
 * `version`. Every expiry comparison takes the injected clock's `now` as a parameter.
 *
 * Guarantees: every method is one SQL statement, atomic on its own under PostgreSQL's
 * default READ COMMITTED isolation, for any number of processes. `create` is an
 * insert-if-absent where an expired row counts as absent; `update` is a compare-and-set
 * on `version` whose `'conflict' | 'missing'` label comes from the same statement;
 * `touch` rewrites only `lastSeenAt`/`idleExpiresAt` and `expires_at`, never `version`;
 * given an `expectedVersion`, the same statement also matches only that `version`.
 * Expired rows are invisible to every read from the instant they expire;
 * `deleteExpired` removes them in batches of 1000 rows.
 *
 * `jsonb` keeps neither key order nor duplicate keys: `session.keys()` may list keys
 * in another order than they were set. Strings holding U+0000 or a lone surrogate
 * cannot be stored and make `create`/`update` throw an {@link UnsupportedValueError}.
 *
 * @throws {ConfigError} `CONFIG_INVALID` when `pool` is not a pool, `table` is not a
 * plain (optionally schema-qualified) identifier, `clock` is not a function or
 * `migrate` is not a boolean.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { PostgresStore } from '@tessera/store-postgres'
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, statement_timeout: 2000 })
 * const store = new PostgresStore({ pool })
 * const manager = new SessionManager({ store, secret: process.env.TESSERA_SECRET! })
 * setInterval(() => void store.deleteExpired().catch(console.error), 60 * 60_000).unref()
 * ```
 */
export class PostgresStore implements SessionStore {
  readonly #pool: Pool
  readonly #table: TableName
  readonly #clock: Clock
  readonly #sql: Statements
  // The sessions getShared parsed last (4,096 at most): the ones in use now.
  readonly #parsed = new ParsedRecordCache()
  // getShared's reads of one event-loop turn, as one statement at its end.
  readonly #reads = new TurnReads((ids) => this.#liveRows(ids))
  #migration: Promise<void> | undefined
  // The table is known to exist (or the store does not migrate): queries go straight out.
  #ready: boolean

  constructor(options: PostgresStoreOptions) {
    if (!options || typeof options !== 'object') {
      throw new ConfigError('PostgresStore: options must be an object with a "pool"')
    }
    assertPool('PostgresStore', options.pool)
    const table = tableName('PostgresStore', options.table ?? SESSIONS)
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new ConfigError('PostgresStore: "clock" must be a function returning milliseconds')
    }
    if (options.migrate !== undefined && typeof options.migrate !== 'boolean') {
      throw new ConfigError('PostgresStore: "migrate" must be a boolean')
    }
    this.#pool = options.pool
    this.#table = table
    this.#clock = options.clock ?? Date.now
    this.#ready = !(options.migrate ?? true)
    this.#sql = statements(table.sql)
  }

  async get(id: string): Promise<SessionRecord | null> {
    if (!isStorableKey(id)) return null
    const { rows } = await this.#query<{ record: string }>(this.#sql.get, [id, this.#now()])
    return rows[0] ? (JSON.parse(rows[0].record) as SessionRecord) : null
  }

  /**
   * {@link get}, for reading only: the manager loads sessions through it. The reads of
   * one event-loop turn leave together at its end, as one statement over their ids
   * (`id = ANY($1)`, 500 ids at most each), so the requests Node parsed in one turn share
   * a pool connection and a round trip. Every read still goes to PostgreSQL, after it was
   * asked for. The record is frozen and is the same object as long as the row holds the
   * same JSON text (a session rewritten or touched by anyone is parsed anew), so a
   * session read again, unchanged, costs no `JSON.parse`.
   */
  async getShared(id: string): Promise<SessionRecord | null> {
    if (!isStorableKey(id)) return null
    const json = await this.#reads.read(id)
    return json === undefined ? null : this.#parsed.read(id, json)
  }

  async create(record: SessionRecord): Promise<boolean> {
    const json = encodeRecord(record)
    const { rowCount } = await this.#query(this.#sql.create, [
      record.id,
      record.userId,
      expiryParam(expiresAt(record)),
      record.version,
      json,
      this.#now(),
    ])
    return rowCount === 1
  }

  async update(record: SessionRecord, expectedVersion: number): Promise<UpdateResult> {
    const json = encodeRecord(record)
    const { rows } = await this.#query<{ ok: boolean; live: boolean }>(this.#sql.update, [
      record.id,
      record.userId,
      expiryParam(expiresAt(record)),
      record.version,
      json,
      expectedVersion,
      this.#now(),
    ])
    const row = rows[0]
    if (row?.ok) return 'ok'
    return row?.live ? 'conflict' : 'missing'
  }

  async touch(
    id: string,
    lastSeenAt: number,
    idleExpiresAt: number,
    expectedVersion?: number,
  ): Promise<boolean> {
    if (!isStorableKey(id)) return false
    const values: unknown[] = [
      id,
      JSON.stringify(lastSeenAt),
      JSON.stringify(idleExpiresAt),
      expiryParam(idleExpiresAt),
      this.#now(),
    ]
    if (expectedVersion !== undefined) values.push(expectedVersion)
    const text = expectedVersion === undefined ? this.#sql.touch : this.#sql.touchVersion
    const { rowCount } = await this.#query(text, values)
    return rowCount === 1
  }

  async delete(id: string): Promise<void> {
    if (!isStorableKey(id)) return
    await this.#query(this.#sql.delete, [id])
  }

  async listByUser(userId: string): Promise<SessionRecord[]> {
    if (!isStorableKey(userId)) return []
    const { rows } = await this.#query<{ record: string }>(this.#sql.listByUser, [
      userId,
      this.#now(),
    ])
    return rows.map((row) => JSON.parse(row.record) as SessionRecord)
  }

  async deleteByUser(userId: string, exceptId?: string): Promise<number> {
    if (!isStorableKey(userId)) return 0
    const except = exceptId !== undefined && isStorableKey(exceptId) ? exceptId : null
    // Expired rows of the user go too (they are dead weight), but only live ones count.
    const { rows } = await this.#query<{ live: string }>(this.#sql.deleteByUser, [
      userId,
      except,
      this.#now(),
    ])
    // count() is a bigint, which pg returns as a string.
    return Number(rows[0]?.live ?? 0)
  }

  async deleteExpired(options: DeleteExpiredOptions = {}): Promise<number> {
    const now = this.#now()
    let total = 0
    for (;;) {
      // One short statement per batch: a single DELETE of millions of rows would run as
      // one long transaction, holding back vacuum and bloating the WAL in one burst.
      const deleted = (await this.#query(this.#sql.deleteExpired, [now, BATCH])).rowCount ?? 0
      total += deleted
      if (deleted > 0) options.onProgress?.(total)
      if (deleted < BATCH) return total
    }
  }

  async countExpired(): Promise<number> {
    const { rows } = await this.#query<{ n: string }>(this.#sql.countExpired, [this.#now()])
    // count() is a bigint, which pg returns as a string.
    return Number(rows[0]?.n ?? 0)
  }

  /**
   * Every live record, `batchSize` (default 500) at a time, in id order. Each page is
   * one statement after the last id seen (keyset pagination on the primary key), so the
   * walk holds no transaction or cursor open between pages.
   */
  async *scan(options: ScanOptions = {}): AsyncGenerator<SessionRecord[]> {
    const size = scanBatchSize(options)
    let after = ''
    for (;;) {
      const { rows } = await this.#query<{ id: string; record: string }>(this.#sql.scan, [
        after,
        this.#now(),
        size,
      ])
      const last = rows.at(-1)
      if (last === undefined) return
      after = last.id
      yield rows.map((row) => JSON.parse(row.record) as SessionRecord)
      if (rows.length < size) return
    }
  }

  /** The JSON text of each live row among `ids`, by id: one statement. */
  async #liveRows(ids: string[]): Promise<Map<string, string>> {
    const { rows } = await this.#query<{ id: string; record: string }>(this.#sql.getMany, [
      ids,
      this.#now(),
    ])
    const found = new Map<string, string>()
    for (const row of rows) found.set(row.id, row.record)
    return found
  }

  #now(): number {
    return nowParam(this.#clock())
  }

  #query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<QueryResult<R>> {
    // Once migrated, no wait on the settled migration: the statement leaves at once.
    if (this.#ready) return this.#pool.query<R>(text, values)
    return this.#migrated().then(() => this.#pool.query<R>(text, values))
  }

  #migrated(): Promise<void> {
    // Memoised so concurrent first calls share one migration; forgotten on failure so a
    // database that was down at startup is migrated once it is back.
    this.#migration ??= runMigration(this.#pool, sessionMigration(this.#table)).then(
      () => {
        this.#ready = true
      },
      (error: unknown) => {
        this.#migration = undefined
        throw error
      },
    )
    return this.#migration
  }
}

type Statements = ReturnType<typeof statements>

/** Every statement the store runs. `t` is the quoted table; every value is a parameter. */
function statements(t: string) {
  // jsonb_set leaves version and data alone, so sliding expiry never conflicts with a
  // concurrent update. The new expiry never passes absoluteExpiresAt, read from the row.
  const touch = `UPDATE ${t} SET
        record = jsonb_set(jsonb_set(record, '{lastSeenAt}', $2::jsonb), '{idleExpiresAt}', $3::jsonb),
        expires_at = LEAST($4::bigint, ceil((record->>'absoluteExpiresAt')::numeric)::bigint)
      WHERE id = $1 AND expires_at > $5`
  return {
    get: `SELECT record::text AS record FROM ${t} WHERE id = $1 AND expires_at > $2`,

    // getShared's reads of one turn: the primary key's index, one probe per id.
    getMany: `SELECT id, record::text AS record FROM ${t} WHERE id = ANY($1::text[]) AND expires_at > $2`,

    // Insert-if-absent in one statement. A live row with this id wins (the WHERE makes
    // the DO UPDATE a no-op and the row count 0); an expired one is overwritten.
    // Concurrent creates of one id queue on the row lock and re-check the WHERE against
    // the winner's row, so exactly one of them counts a row.
    create: `INSERT INTO ${t} AS s (id, user_id, expires_at, version, record)
      VALUES ($1, $2, $3, $4, $5::jsonb)
      ON CONFLICT (id) DO UPDATE SET
        user_id = EXCLUDED.user_id,
        expires_at = EXCLUDED.expires_at,
        version = EXCLUDED.version,
        record = EXCLUDED.record
      WHERE s.expires_at <= $6`,

    // Compare-and-set with its label in one statement. The outer SELECT reads the
    // statement's snapshot, so a failed UPDATE is labelled by what it saw: a live row
    // means another writer won ('conflict'), none means 'missing'. A row deleted while
    // the UPDATE waited on its lock reads as 'conflict'; the manager's retry then finds
    // it gone and stops, so the label never causes a resurrection.
    update: `WITH updated AS (
        UPDATE ${t} SET user_id = $2, expires_at = $3, version = $4, record = $5::jsonb
        WHERE id = $1 AND version = $6 AND expires_at > $7
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM updated) AS ok,
             EXISTS (SELECT 1 FROM ${t} WHERE id = $1 AND expires_at > $7) AS live`,

    touch,

    // The same, only while the row holds the version the caller loaded. A row an update
    // holds locked is re-checked once that commits (READ COMMITTED), so a touch queued
    // behind a write that moved the version matches nothing.
    touchVersion: `${touch} AND version = $6`,

    delete: `DELETE FROM ${t} WHERE id = $1`,

    listByUser: `SELECT record::text AS record FROM ${t} WHERE user_id = $1 AND expires_at > $2`,

    deleteByUser: `WITH gone AS (
        DELETE FROM ${t} WHERE user_id = $1 AND id IS DISTINCT FROM $2::text
        RETURNING expires_at
      )
      SELECT count(*) FILTER (WHERE expires_at > $3) AS live FROM gone`,

    countExpired: `SELECT count(*) AS n FROM ${t} WHERE expires_at <= $1`,

    scan: `SELECT id, record::text AS record FROM ${t}
      WHERE id > $1 AND expires_at > $2 ORDER BY id LIMIT $3`,

    // SKIP LOCKED: sweepers on several instances share the work instead of queueing on
    // each other, and a row locked by a request's update is left for the next sweep.
    // FOR UPDATE re-checks expires_at against the newest row version, so a row revived
    // by create or touch after the sweep began is not deleted.
    deleteExpired: `DELETE FROM ${t} WHERE id IN (
        SELECT id FROM ${t} WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED
      )`,
  }
}
