import {
  ConfigError,
  type RateLimitCount,
  type RateLimitReservation,
  type RateLimitStore,
} from '@tessera/core'
import Database from 'better-sqlite3'
import { BusyWait } from './lib/busy-wait.js'

/** Options of {@link SqliteRateLimitStore}. Give exactly one of `path` and `database`. */
export interface SqliteRateLimitStoreOptions {
  path?: string
  database?: Database.Database
  /** @default 'tessera_rate_limits' */
  table?: string
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Login-throttle counters in SQLite, shared by every process that opens the same file.
 * A hit, a reservation and a release are each one atomic statement, so concurrent calls
 * from several processes each act once; a reservation decides in its upsert (the
 * `WHERE` of `DO UPDATE`) whether the window still has room.
 * The table is created on first use; rows of ended windows are reused by the next hit
 * on their key and are otherwise left behind (run
 * {@link SqliteRateLimitStore.deleteExpired} now and then, or `tessera clearsessions`);
 * a window released down to nothing is removed.
 *
 * @example
 * ```ts
 * const throttle = new LoginThrottle({
 *   store: new SqliteRateLimitStore({ path: 'sessions.sqlite3' }),
 *   keys: manager.keys,
 * })
 * ```
 */
export class SqliteRateLimitStore implements RateLimitStore {
  readonly #db: Database.Database
  readonly #owned: boolean
  readonly #busy: BusyWait
  readonly #hit: Database.Statement<[{ reset: number; now: number; key: string }], RateLimitCount>
  readonly #reserve: (key: string, max: number, reset: number, now: number) => RateLimitReservation
  readonly #release: (key: string, resetAt: number) => void
  readonly #peek: Database.Statement<[string, number], RateLimitCount>
  readonly #reset: Database.Statement<[string]>
  readonly #deleteExpired: Database.Statement<[number]>

  constructor(options: SqliteRateLimitStoreOptions) {
    if ((options.path === undefined) === (options.database === undefined)) {
      throw new ConfigError('SqliteRateLimitStore: give exactly one of "path" and "database"')
    }
    const table = options.table ?? 'tessera_rate_limits'
    if (!TABLE_NAME.test(table)) {
      throw new ConfigError(
        'SqliteRateLimitStore: "table" must match /^[A-Za-z_][A-Za-z0-9_]{0,62}$/',
      )
    }
    this.#owned = options.database === undefined
    this.#db = options.database ?? new Database(options.path as string)
    if (!this.#db.memory) this.#db.pragma('journal_mode = WAL')
    this.#busy = new BusyWait(this.#db)
    const t = `"${table}"`
    this.#db.exec(
      `CREATE TABLE IF NOT EXISTS ${t} (key TEXT PRIMARY KEY, count INTEGER NOT NULL, reset_at INTEGER NOT NULL)`,
    )
    // A window that ended starts over, in the same statement, so concurrent hits stay atomic.
    this.#hit = this.#db.prepare(
      `INSERT INTO ${t} (key, count, reset_at) VALUES (@key, 1, @reset)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN reset_at <= @now THEN 1 ELSE count + 1 END,
         reset_at = CASE WHEN reset_at <= @now THEN @reset ELSE reset_at END
       RETURNING count, reset_at AS resetAt`,
    )
    // The row is only touched while it has room (or its window ended): a refused
    // reservation changes nothing and returns no row, and the same transaction reads what
    // refused it.
    const reserve = this.#db.prepare<
      [{ reset: number; now: number; key: string; max: number }],
      RateLimitCount
    >(
      `INSERT INTO ${t} (key, count, reset_at) VALUES (@key, 1, @reset)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN reset_at <= @now THEN 1 ELSE count + 1 END,
         reset_at = CASE WHEN reset_at <= @now THEN @reset ELSE reset_at END
       WHERE reset_at <= @now OR count < @max
       RETURNING count, reset_at AS resetAt`,
    )
    const current = this.#db.prepare<[string], RateLimitCount>(
      `SELECT count, reset_at AS resetAt FROM ${t} WHERE key = ?`,
    )
    this.#reserve = this.#db.transaction((key: string, max: number, reset: number, now: number) => {
      const row = reserve.get({ key, max, reset, now })
      if (row) return { reserved: true, ...row }
      return { reserved: false, ...(current.get(key) as RateLimitCount) }
    })
    const release = this.#db.prepare<[string, number]>(
      `UPDATE ${t} SET count = count - 1 WHERE key = ? AND reset_at = ? AND count > 0`,
    )
    // A window that counts nothing is removed: every refused login releases its places,
    // and each may name a new username.
    const removeEmpty = this.#db.prepare<[string, number]>(
      `DELETE FROM ${t} WHERE key = ? AND reset_at = ? AND count <= 0`,
    )
    this.#release = this.#db.transaction((key: string, resetAt: number) => {
      if (release.run(key, resetAt).changes > 0) removeEmpty.run(key, resetAt)
    })
    this.#peek = this.#db.prepare(
      `SELECT count, reset_at AS resetAt FROM ${t} WHERE key = ? AND reset_at > ?`,
    )
    this.#reset = this.#db.prepare(`DELETE FROM ${t} WHERE key = ?`)
    this.#deleteExpired = this.#db.prepare(`DELETE FROM ${t} WHERE reset_at <= ?`)
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    return this.#busy.run(
      () => this.#hit.get({ reset: now + windowMs, now, key }) as RateLimitCount,
    )
  }

  async reserve(
    key: string,
    max: number,
    windowMs: number,
    now: number,
  ): Promise<RateLimitReservation> {
    return this.#busy.run(() => this.#reserve(key, max, now + windowMs, now))
  }

  async release(key: string, resetAt: number): Promise<void> {
    this.#busy.run(() => this.#release(key, resetAt))
  }

  async peek(key: string, now: number): Promise<RateLimitCount | null> {
    return this.#peek.get(key, now) ?? null
  }

  async reset(key: string): Promise<void> {
    this.#busy.run(() => this.#reset.run(key))
  }

  /**
   * Deletes the counters whose window ended by `now` and answers how many. Not part of
   * the `RateLimitStore` contract: a maintenance call for a timer or a command
   * (`tessera clearsessions` runs it). Each username ever tried leaves a row until then.
   *
   * @example
   * ```ts
   * const sweep = () => void limits.deleteExpired(Date.now()).catch(console.error)
   * setInterval(sweep, 3600_000).unref()
   * ```
   */
  async deleteExpired(now: number): Promise<number> {
    return this.#busy.run(() => this.#deleteExpired.run(now).changes)
  }

  /** Closes the connection when the store opened it from `path`. */
  async close(): Promise<void> {
    if (this.#owned && this.#db.open) this.#db.close()
  }
}
