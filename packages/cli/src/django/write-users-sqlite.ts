import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { CliError } from '../cli-error.js'
import { driverFailure } from '../stores/driver-failure.js'
import type { DjangoUser } from './read-django-users.js'

/** What {@link writeUsersSqlite} did with the users it was given. */
export interface WriteResult {
  imported: number
  /** Users whose username or id the target table already has: left as they are. */
  existing: string[]
}

const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Inserts Django users into an app's SQLite users table shaped like Django's
 * `auth_user` (`id`, `username`, `password`, `is_active` — the demo's `users` table),
 * keeping each user's id (so rows of the app that point to a user id stay right) and
 * encoded hash as they are. All in one transaction; a user whose username or id is
 * already there is left untouched and reported, so running the import twice is safe.
 * The table must exist: the app creates it.
 *
 * @example
 * ```ts
 * const { imported, existing } = writeUsersSqlite('data/app.sqlite3', 'users', users)
 * ```
 */
export function writeUsersSqlite(path: string, table: string, users: DjangoUser[]): WriteResult {
  if (!TABLE.test(table)) {
    throw new CliError('usage', `--to-table must be a table name, got "${table}"`)
  }
  if (!existsSync(path)) {
    throw new CliError('failure', `no SQLite database at ${path} (start the app once to create it)`)
  }
  let db: Database.Database | undefined
  try {
    db = new Database(path, { fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    const present = db
      .prepare<[string], number>(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
      .pluck()
      .get(table)
    if (present === undefined) {
      throw new CliError('failure', `no table "${table}" in ${path} (another --to-table?)`)
    }
    const taken = db.prepare<[bigint, string], number>(
      `SELECT 1 FROM "${table}" WHERE id = ? OR username = ?`,
    )
    const insert = db.prepare(
      `INSERT INTO "${table}" (id, username, password, is_active) VALUES (?, ?, ?, ?)`,
    )
    const result: WriteResult = { imported: 0, existing: [] }
    db.transaction(() => {
      for (const user of users) {
        const id = BigInt(user.id)
        if (taken.pluck().get(id, user.username) !== undefined) {
          result.existing.push(user.username)
          continue
        }
        insert.run(id, user.username, user.password, user.isActive ? 1 : 0)
        result.imported++
      }
    })()
    return result
  } catch (error) {
    throw driverFailure(`cannot write the users to sqlite:${path}`, error)
  } finally {
    db?.close()
  }
}
