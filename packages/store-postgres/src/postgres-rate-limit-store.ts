import {
  ConfigError,
  type RateLimitCount,
  type RateLimitReservation,
  type RateLimitStore,
} from '@tessera/core'
import type { Pool, QueryResult, QueryResultRow } from 'pg'
import { expiryParam, nowParam } from './lib/encode-record.js'
import { runMigration } from './lib/run-migration.js'
import { assertPool, RATE_LIMITS, rateLimitMigration } from './lib/schema.js'
import { type TableName, tableName } from './lib/table-name.js'

/** Options of {@link PostgresRateLimitStore}. */
export interface PostgresRateLimitStoreOptions {
  /** The application's pool. The store borrows connections and never ends it. */
  pool: Pool
  /**
   * `name` or `schema.name`, each part matching `/^[A-Za-z_][A-Za-z0-9_]{0,62}$/`.
   * @default 'tessera_rate_limits'
   */
  table?: string
  /**
   * Create the table on first use when it is missing (see `migrateRateLimits`).
   * @default true
   */
  migrate?: boolean
}

interface CountRow {
  count: number
  // bigint: pg returns it as a string.
  reset_at: string
}

/**
 * Login-throttle counters in PostgreSQL, shared by every app instance on the database.
 * A hit is one atomic upsert, so concurrent hits from any number of processes each
 * count once; a window that ended starts over in the same statement. A reservation is
 * one upsert as well, whose `DO UPDATE … WHERE` decides under the row lock whether the
 * window has room; a release is one conditional `UPDATE`. Times are the
 * `now` each call passes in, never the database clock.
 *
 * Rows of ended windows are reused by the next hit on their key and are otherwise
 * left behind: run {@link PostgresRateLimitStore.deleteExpired} now and then.
 *
 * @throws {ConfigError} `CONFIG_INVALID` for a missing pool, a bad `table` or `migrate`.
 *
 * @example
 * ```ts
 * const throttle = new LoginThrottle({
 *   store: new PostgresRateLimitStore({ pool }),
 *   keys: manager.keys,
 * })
 * ```
 */
export class PostgresRateLimitStore implements RateLimitStore {
  readonly #pool: Pool
  readonly #table: TableName
  readonly #migrate: boolean
  readonly #sql: ReturnType<typeof statements>
  #migration: Promise<void> | undefined

  constructor(options: PostgresRateLimitStoreOptions) {
    if (!options || typeof options !== 'object') {
      throw new ConfigError('PostgresRateLimitStore: options must be an object with a "pool"')
    }
    assertPool('PostgresRateLimitStore', options.pool)
    if (options.migrate !== undefined && typeof options.migrate !== 'boolean') {
      throw new ConfigError('PostgresRateLimitStore: "migrate" must be a boolean')
    }
    this.#pool = options.pool
    this.#table = tableName('PostgresRateLimitStore', options.table ?? RATE_LIMITS)
    this.#migrate = options.migrate ?? true
    this.#sql = statements(this.#table.sql)
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const { rows } = await this.#query<CountRow>(this.#sql.hit, [
      key,
      expiryParam(now + windowMs),
      nowParam(now),
    ])
    return toCount(rows[0] as CountRow)
  }

  async reserve(
    key: string,
    max: number,
    windowMs: number,
    now: number,
  ): Promise<RateLimitReservation> {
    const { rows } = await this.#query<CountRow>(this.#sql.reserve, [
      key,
      expiryParam(now + windowMs),
      nowParam(now),
      max,
    ])
    if (rows[0]) return { reserved: true, ...toCount(rows[0]) }
    // Refused: the decision is made. This read only reports the window for Retry-After
    // (a second statement, as the first one's snapshot may predate a concurrent insert).
    const { rows: current } = await this.#query<CountRow>(this.#sql.current, [key])
    return current[0]
      ? { reserved: false, ...toCount(current[0]) }
      : { reserved: false, count: max, resetAt: now + windowMs }
  }

  async release(key: string, resetAt: number): Promise<void> {
    const { rows } = await this.#query<{ count: number }>(this.#sql.release, [
      key,
      expiryParam(resetAt),
    ])
    // A window that counts nothing is removed: every refused login releases its places,
    // and each may name a new username. The delete checks again under the row lock, so
    // a reservation that landed in between keeps the row.
    if (rows[0] && rows[0].count <= 0) {
      await this.#query(this.#sql.removeEmpty, [key, expiryParam(resetAt)])
    }
  }

  async peek(key: string, now: number): Promise<RateLimitCount | null> {
    const { rows } = await this.#query<CountRow>(this.#sql.peek, [key, nowParam(now)])
    return rows[0] ? toCount(rows[0]) : null
  }

  async reset(key: string): Promise<void> {
    await this.#query(this.#sql.reset, [key])
  }

  /**
   * Deletes the counters whose window ended by `now` and answers how many. Not part of
   * the `RateLimitStore` contract: a maintenance call for a timer or a command.
   *
   * @example
   * ```ts
   * setInterval(() => void limits.deleteExpired(Date.now()).catch(console.error), 3600_000).unref()
   * ```
   */
  async deleteExpired(now: number): Promise<number> {
    return (await this.#query(this.#sql.deleteExpired, [nowParam(now)])).rowCount ?? 0
  }

  async #query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<QueryResult<R>> {
    if (this.#migrate) {
      this.#migration ??= runMigration(this.#pool, rateLimitMigration(this.#table)).catch(
        (error: unknown) => {
          this.#migration = undefined
          throw error
        },
      )
      await this.#migration
    }
    return this.#pool.query<R>(text, values)
  }
}

function toCount(row: CountRow): RateLimitCount {
  return { count: row.count, resetAt: Number(row.reset_at) }
}

/** `t` is the quoted table; every value is a parameter. */
function statements(t: string) {
  return {
    // Concurrent hits on one key queue on its row lock; each then sees the previous
    // hit's row, so every hit counts once and an ended window restarts exactly once.
    hit: `INSERT INTO ${t} AS r (key, count, reset_at) VALUES ($1, 1, $2)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN r.reset_at <= $3 THEN 1 ELSE r.count + 1 END,
        reset_at = CASE WHEN r.reset_at <= $3 THEN EXCLUDED.reset_at ELSE r.reset_at END
      RETURNING count, reset_at`,
    // A row lock taken by ON CONFLICT is kept even when the WHERE refuses the update, so
    // concurrent reservations on one key decide one after the other on the latest count.
    reserve: `INSERT INTO ${t} AS r (key, count, reset_at) VALUES ($1, 1, $2)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN r.reset_at <= $3 THEN 1 ELSE r.count + 1 END,
        reset_at = CASE WHEN r.reset_at <= $3 THEN EXCLUDED.reset_at ELSE r.reset_at END
      WHERE r.reset_at <= $3 OR r.count < $4
      RETURNING count, reset_at`,
    current: `SELECT count, reset_at FROM ${t} WHERE key = $1`,
    release: `UPDATE ${t} SET count = count - 1 WHERE key = $1 AND reset_at = $2 AND count > 0
      RETURNING count`,
    removeEmpty: `DELETE FROM ${t} WHERE key = $1 AND reset_at = $2 AND count <= 0`,
    peek: `SELECT count, reset_at FROM ${t} WHERE key = $1 AND reset_at > $2`,
    reset: `DELETE FROM ${t} WHERE key = $1`,
    deleteExpired: `DELETE FROM ${t} WHERE reset_at <= $1`,
  }
}
