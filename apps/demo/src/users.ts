import { StoreError } from '@tessera/core'
import { endTurnReads, TurnReadTransaction } from '@tessera/store-sqlite'
import Database from 'better-sqlite3'
import type { DemoUser, DemoUsers } from './demo-users.js'
import { isUserId } from './user-id.js'

interface Row {
  id: number
  username: string
  password: string
  is_active: number
}

const toUser = (row: Row): DemoUser => ({
  id: String(row.id),
  username: row.username,
  passwordHash: row.password,
  isActive: row.is_active === 1,
})

/**
 * The demo's user table in SQLite, shaped like Django's `auth_user` (`username`,
 * `password`, `is_active`), so a Django user table can be imported row for row. Used
 * when `DATABASE_URL` is unset; with it, `PostgresUsers`.
 */
export class SqliteUsers implements DemoUsers {
  readonly #db: Database.Database
  // The lookups every authenticated request makes, prepared once: preparing a statement
  // per call cost more than the query itself.
  readonly #byId: Database.Statement<[number], Row>
  readonly #byUsername: Database.Statement<[string], Row>
  // Every request that carries a session looks its user up: the lookups of one event-loop
  // turn share one read transaction (see TurnReadTransaction), and every write ends it.
  readonly #reads: TurnReadTransaction | undefined

  constructor(path: string) {
    this.#db = new Database(path)
    const wal =
      !this.#db.memory && this.#db.pragma('journal_mode = WAL', { simple: true }) === 'wal'
    this.#db.pragma('busy_timeout = 2000')
    this.#db.exec(`CREATE TABLE IF NOT EXISTS users (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      username TEXT NOT NULL UNIQUE,
      password TEXT NOT NULL,
      is_active INTEGER NOT NULL DEFAULT 1
    )`)
    this.#byId = this.#db.prepare<[number], Row>('SELECT * FROM users WHERE id = ?')
    this.#byUsername = this.#db.prepare<[string], Row>('SELECT * FROM users WHERE username = ?')
    this.#reads = wal ? new TurnReadTransaction(this.#db) : undefined
  }

  async findByUsername(username: string): Promise<DemoUser | null> {
    const row = this.#run('findByUsername', () => {
      this.#reads?.enter()
      return this.#byUsername.get(username)
    })
    return row ? toUser(row) : null
  }

  async findById(id: string): Promise<DemoUser | null> {
    if (!isUserId(id)) return null
    const row = this.#run('findById', () => {
      this.#reads?.enter()
      return this.#byId.get(Number(id))
    })
    return row ? toUser(row) : null
  }

  async replacePasswordHash(id: string, previous: string, passwordHash: string): Promise<boolean> {
    if (!isUserId(id)) return false
    const { changes } = this.#write('replacePasswordHash', () =>
      this.#db
        .prepare('UPDATE users SET password = ? WHERE id = ? AND password = ?')
        .run(passwordHash, Number(id), previous),
    )
    return changes === 1
  }

  /** Adds a user with an already encoded password hash (new, or imported from Django). */
  async create(username: string, passwordHash: string): Promise<DemoUser> {
    const info = this.#write('create', () =>
      this.#db
        .prepare('INSERT INTO users (username, password) VALUES (?, ?)')
        .run(username, passwordHash),
    )
    return { id: String(info.lastInsertRowid), username, passwordHash, isActive: true }
  }

  async createIfAbsent(username: string, passwordHash: string): Promise<boolean> {
    const info = this.#write('createIfAbsent', () =>
      this.#db
        .prepare(
          'INSERT INTO users (username, password) VALUES (?, ?) ON CONFLICT (username) DO NOTHING',
        )
        .run(username, passwordHash),
    )
    return info.changes === 1
  }

  async setActive(id: string, active: boolean): Promise<void> {
    this.#write('setActive', () =>
      this.#db
        .prepare('UPDATE users SET is_active = ? WHERE id = ?')
        .run(active ? 1 : 0, Number(id)),
    )
  }

  async count(): Promise<number> {
    return this.#run(
      'count',
      () => this.#db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()?.n ?? 0,
    )
  }

  close(): void {
    this.#reads?.end()
    this.#db.close()
  }

  /** A write: the turn's read transaction ends first (see `#reads`). */
  #write<T>(operation: string, write: () => T): T {
    return this.#run(operation, () => {
      endTurnReads()
      return write()
    })
  }

  /**
   * One query; a driver failure (a file locked by another process, read-only, gone) is a
   * `StoreError` (`STORE_UNAVAILABLE`, operation `users.<name>`), answered 503 like a
   * session store outage, as `PostgresUsers` does, rather than a 500 with a stack.
   */
  #run<T>(operation: string, query: () => T): T {
    try {
      return query()
    } catch (cause) {
      throw new StoreError('STORE_UNAVAILABLE', `users.${operation}`, { cause })
    }
  }
}
