import type { Pool } from 'pg'
import { migrationLockKey, type TableName } from './table-name.js'

/** What a migration creates: the DDL, and the relations that exist once it has run. */
export interface Migration {
  table: TableName
  /** `CREATE … IF NOT EXISTS` statements, run in order. */
  statements: readonly string[]
  /** Quoted, qualified names of the table and its indexes. */
  relations: readonly string[]
}

/**
 * Runs `migration` unless everything it creates is already there.
 *
 * The check comes first, outside any transaction, because `CREATE INDEX IF NOT EXISTS`
 * takes a SHARE lock on the table before it notices the index exists: on a busy table
 * every process start would stall all session writes behind it. When something is
 * missing, the DDL runs in one transaction under a transaction-scoped advisory lock, so
 * several processes migrating the same new table take turns instead of failing on
 * PostgreSQL's non-atomic `IF NOT EXISTS` (a duplicate key in `pg_type`).
 */
export async function runMigration(pool: Pool, migration: Migration): Promise<void> {
  if (await exists(pool, migration.relations)) return
  const client = await pool.connect()
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [
      migrationLockKey(migration.table),
    ])
    for (const statement of migration.statements) await client.query(statement)
    await client.query('COMMIT')
  } catch (error) {
    try {
      await client.query('ROLLBACK')
    } catch (rollbackError) {
      // The connection itself failed: the pool must discard it, not hand it out again.
      broken = rollbackError as Error
    }
    throw error
  } finally {
    client.release(broken)
  }
}

async function exists(pool: Pool, relations: readonly string[]): Promise<boolean> {
  const { rows } = await pool.query<{ ready: boolean }>(
    'SELECT bool_and(to_regclass(name) IS NOT NULL) AS ready FROM unnest($1::text[]) AS name',
    [relations],
  )
  return rows[0]?.ready === true
}
