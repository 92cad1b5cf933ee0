import type { AuthUser, UserProvider } from '@tessera/core'
import Database from 'better-sqlite3'

interface Row {
  id: number
  username: string
  password: string
  is_active: number
}

const toUser = (row: Row): AuthUser => ({
  id: String(row.id),
  username: row.username,
  passwordHash: row.password,
  isActive: row.is_active === 1,
})

/**
 * The example's users in SQLite, shaped like Django's `auth_user` (`username`,
 * `password`, `is_active`) as in the demo app; swap in your own `UserProvider`.
 */
export class Users implements UserProvider<AuthUser> {
  readonly #db: Database.Database

  constructor(path: string) {
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('busy_timeout = 2000')
    this.#db.exec(`CREATE TABLE IF NOT EXISTS users (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      username TEXT NOT NULL UNIQUE,
      password TEXT NOT NULL,
      is_active INTEGER NOT NULL DEFAULT 1
    )`)
  }

  async findByUsername(username: string): Promise<AuthUser | null> {
    const row = this.#db
      .prepare<[string], Row>('SELECT * FROM users WHERE username = ?')
      .get(username)
    return row ? toUser(row) : null
  }

  async findById(id: string): Promise<AuthUser | null> {
    // Ids come from sessions and are checked before they reach SQL as a number.
    if (!/^\d{1,15}$/.test(id)) return null
    const row = this.#db.prepare<[number], Row>('SELECT * FROM users WHERE id = ?').get(Number(id))
    return row ? toUser(row) : null
  }

  async replacePasswordHash(id: string, previous: string, passwordHash: string): Promise<boolean> {
    const { changes } = this.#db
      .prepare('UPDATE users SET password = ? WHERE id = ? AND password = ?')
      .run(passwordHash, Number(id), previous)
    return changes === 1
  }

  /** Adds a user with an already encoded password hash. */
  create(username: string, passwordHash: string): void {
    this.#db
      .prepare('INSERT OR IGNORE INTO users (username, password) VALUES (?, ?)')
      .run(username, passwordHash)
  }

  count(): number {
    return this.#db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()?.n ?? 0
  }
}
