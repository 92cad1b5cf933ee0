import { ConfigError } from '@tessera/core'
import type { Pool } from 'pg'
import type { Migration } from './run-migration.js'
import type { TableName } from './table-name.js'

/** Default table of `PostgresStore`. */
export const SESSIONS = 'tessera_sessions'
/** Default table of `PostgresRateLimitStore`. */
export const RATE_LIMITS = 'tessera_rate_limits'

/**
 * The session table. `expires_at` is `min(idleExpiresAt, absoluteExpiresAt)` in
 * milliseconds since the epoch as a `bigint`: the same integer the record holds, so
 * comparisons at the boundary are exact and involve no time zone or rounding.
 */
export function sessionMigration(table: TableName): Migration {
  const expiry = table.index('_expires_at')
  const user = table.index('_user_id')
  return {
    table,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${table.sql} (
        id text PRIMARY KEY,
        user_id text NULL,
        expires_at bigint NOT NULL,
        version bigint NOT NULL,
        record jsonb NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS ${expiry.bare} ON ${table.sql} (expires_at)`,
      `CREATE INDEX IF NOT EXISTS ${user.bare} ON ${table.sql} (user_id) WHERE user_id IS NOT NULL`,
    ],
    relations: [table.sql, expiry.qualified, user.qualified],
  }
}

/** The rate-limit table; `reset_at` is indexed so ended windows can be swept. */
export function rateLimitMigration(table: TableName): Migration {
  const reset = table.index('_reset_at')
  return {
    table,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${table.sql} (
        key text PRIMARY KEY,
        count integer NOT NULL,
        reset_at bigint NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS ${reset.bare} ON ${table.sql} (reset_at)`,
    ],
    relations: [table.sql, reset.qualified],
  }
}

/** Throws `CONFIG_INVALID` unless `pool` looks like a `pg.Pool`. */
export function assertPool(owner: string, pool: unknown): asserts pool is Pool {
  const p = pool as Partial<Pool> | null
  if (!p || typeof p.query !== 'function' || typeof p.connect !== 'function') {
    throw new ConfigError(`${owner}: "pool" must be a pg.Pool`)
  }
}
