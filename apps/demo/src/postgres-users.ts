import { ConfigError, StoreError } from '@tessera/core'
import type pg from 'pg'
import type { DemoUser, DemoUsers } from './demo-users.js'
import { inLockedTransaction } from './locked-transaction.js'
import { isUserId } from './user-id.js'

interface Row {
  id: string
  username: string
  password: string
  is_active: boolean
}

const toUser = (row: Row): DemoUser => ({
  id: String(row.id),
  username: row.username,
  passwordHash: row.password,
  isActive: row.is_active,
})

// Plain identifiers only: the name goes into SQL.
const TABLE = /^(?:[a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/

/**
 * The demo's users in PostgreSQL (`DATABASE_URL`), shared by every instance on that
 * database. {@link PostgresUsers.open} creates the table on first start; any number of
 * instances may start at once. A failing query is a `StoreError` (`STORE_UNAVAILABLE`,
 * operation `users.<name>`), which the demo answers `503` like a session store outage;
 * its message names no user and no hash.
 */
export class PostgresUsers implements DemoUsers {
  readonly #pool: pg.Pool
  readonly #table: string
  readonly #timeout: number | undefined

  private constructor(pool: pg.Pool, table: string, timeout: number | undefined) {
    this.#pool = pool
    this.#table = table
    this.#timeout = timeout
  }

  /**
   * Creates `table` when missing and returns the users in it. `CREATE TABLE IF NOT EXISTS`
   * is not atomic in PostgreSQL (two first starts can both fail on a duplicate `pg_type`
   * row), so it runs under a transaction-scoped advisory lock: first starts take turns.
   * `timeout` (ms) bounds each later query on the client side: a PostgreSQL that stops
   * answering without closing the connection (a frozen host, a stuck proxy) cancels
   * nothing server-side, and a user lookup without a deadline held its request (and a
   * pool slot) until TCP gave up; past it the query fails as a `StoreError` (503).
   *
   * @throws `ConfigError` when `table` is not a plain identifier; the driver's error when
   *   PostgreSQL cannot be reached (startup fails).
   * @example
   * ```ts
   * const users = await PostgresUsers.open(pool, 'demo_users', { timeout: 1000 })
   * ```
   */
  static async open(
    pool: pg.Pool,
    table: string,
    options: { timeout?: number } = {},
  ): Promise<PostgresUsers> {
    if (!TABLE.test(table)) {
      throw new ConfigError(
        `USERS_TABLE must be "name" or "schema.name" in lowercase letters, digits and "_", got ${JSON.stringify(table.slice(0, 100))}`,
      )
    }
    await inLockedTransaction(pool, `tessera-demo:${table}`, (client) =>
      client.query(`CREATE TABLE IF NOT EXISTS ${table} (
        id bigserial PRIMARY KEY,
        username text NOT NULL UNIQUE,
        password text NOT NULL,
        is_active boolean NOT NULL DEFAULT true
      )`),
    )
    return new PostgresUsers(pool, table, options.timeout)
  }

  async findByUsername(username: string): Promise<DemoUser | null> {
    // PostgreSQL text cannot hold U+0000 (the query would fail as if the database were
    // down): no user has such a name.
    if (username.includes('\u0000')) return null
    const rows = await this.#query<Row>(
      'findByUsername',
      `SELECT * FROM ${this.#table} WHERE username = $1`,
      [username],
    )
    return rows[0] ? toUser(rows[0]) : null
  }

  async findById(id: string): Promise<DemoUser | null> {
    if (!isUserId(id)) return null
    const rows = await this.#query<Row>('findById', `SELECT * FROM ${this.#table} WHERE id = $1`, [
      id,
    ])
    return rows[0] ? toUser(rows[0]) : null
  }

  async replacePasswordHash(id: string, previous: string, passwordHash: string): Promise<boolean> {
    if (!isUserId(id)) return false
    const rows = await this.#query(
      'replacePasswordHash',
      `UPDATE ${this.#table} SET password = $1 WHERE id = $2 AND password = $3 RETURNING id`,
      [passwordHash, id, previous],
    )
    return rows.length === 1
  }

  async create(username: string, passwordHash: string): Promise<DemoUser> {
    const rows = await this.#query<{ id: string }>(
      'create',
      `INSERT INTO ${this.#table} (username, password) VALUES ($1, $2) RETURNING id`,
      [username, passwordHash],
    )
    return { id: String(rows[0]?.id), username, passwordHash, isActive: true }
  }

  async createIfAbsent(username: string, passwordHash: string): Promise<boolean> {
    const rows = await this.#query(
      'createIfAbsent',
      `INSERT INTO ${this.#table} (username, password) VALUES ($1, $2)
       ON CONFLICT (username) DO NOTHING RETURNING id`,
      [username, passwordHash],
    )
    return rows.length === 1
  }

  async setActive(id: string, active: boolean): Promise<void> {
    await this.#query('setActive', `UPDATE ${this.#table} SET is_active = $1 WHERE id = $2`, [
      active,
      id,
    ])
  }

  async count(): Promise<number> {
    const rows = await this.#query<{ n: string }>(
      'count',
      `SELECT count(*) AS n FROM ${this.#table}`,
    )
    return Number(rows[0]?.n ?? 0)
  }

  close(): void {
    // The pool is the session store's; it closes with the stores.
  }

  async #query<R extends object = object>(
    operation: string,
    sql: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    try {
      // query_timeout per query works in pg; its types list it for the client only.
      const query = { text: sql, values, query_timeout: this.#timeout } as pg.QueryConfig
      return (await this.#pool.query(query)).rows as R[]
    } catch (cause) {
      throw new StoreError('STORE_UNAVAILABLE', `users.${operation}`, { cause })
    }
  }
}
