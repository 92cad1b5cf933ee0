import { existsSync } from 'node:fs'
import { SqliteRateLimitStore, SqliteStore } from '@tessera/store-sqlite'
import Database from 'better-sqlite3'
import { CliError } from '../cli-error.js'
import { driverFailure } from './driver-failure.js'
import type { OpenedStore } from './opened-store.js'

/**
 * Opens an existing SQLite session database. A missing file or table is an error, not
 * something to create: a mistyped path must not look like an empty store.
 */
export function openSqlite(path: string, table: string): OpenedStore {
  // Validates the table name first (a ConfigError is a usage error); opens nothing.
  void new SqliteStore({ path: ':memory:', table }).close()
  if (!existsSync(path)) throw new CliError('failure', `no SQLite database at ${path}`)
  let db: Database.Database
  try {
    db = new Database(path, { fileMustExist: true })
  } catch (error) {
    throw driverFailure(`cannot open the SQLite database at ${path}`, error)
  }
  const hasTable = (name: string) =>
    db
      .prepare<[string], number>(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
      .pluck()
      .get(name) !== undefined
  try {
    if (!hasTable(table)) {
      throw new CliError('failure', `no table "${table}" in ${path} (another --table?)`)
    }
  } catch (error) {
    db.close()
    throw driverFailure(`cannot read the SQLite database at ${path}`, error)
  }
  return {
    kind: 'sqlite',
    display: `sqlite:${path} (table ${table})`,
    store: new SqliteStore({ database: db, table }),
    rateLimits: async (name) => {
      // Validates the name (a ConfigError, so a usage error) on a database of its own.
      await new SqliteRateLimitStore({ path: ':memory:', table: name }).close()
      return hasTable(name) ? new SqliteRateLimitStore({ database: db, table: name }) : undefined
    },
    close: async () => {
      if (db.open) db.close()
    },
  }
}
