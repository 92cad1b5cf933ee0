import type { Pool } from 'pg'
import { runMigration } from './lib/run-migration.js'
import {
  assertPool,
  RATE_LIMITS,
  rateLimitMigration,
  SESSIONS,
  sessionMigration,
} from './lib/schema.js'
import { tableName } from './lib/table-name.js'

/** Options of {@link migrate} and {@link migrateRateLimits}. */
export interface MigrateOptions {
  /**
   * The table to create: `name` or `schema.name` (the schema must exist). Each part
   * must match `/^[A-Za-z_][A-Za-z0-9_]{0,62}$/`; it is quoted, so case is kept.
   * @default 'tessera_sessions' for migrate, 'tessera_rate_limits' for migrateRateLimits
   */
  table?: string
}

/**
 * Creates the session table of `PostgresStore` and its two indexes when they are
 * missing; when they exist it is one catalog query, with no lock. Safe to run from
 * several processes at once. The store runs it on first use unless given
 * `migrate: false`; call it from a deploy step to keep DDL out of request paths.
 *
 * @throws {ConfigError} `CONFIG_INVALID` when `pool` is not a pool or `table` is not a
 * plain, optionally schema-qualified identifier. Database errors are the driver's.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { migrate, migrateRateLimits } from '@tessera/store-postgres'
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * await migrate(pool, { table: 'auth.sessions' })
 * await migrateRateLimits(pool, { table: 'auth.rate_limits' })
 * await pool.end()
 * ```
 */
export async function migrate(pool: Pool, options: MigrateOptions = {}): Promise<void> {
  assertPool('migrate', pool)
  const table = tableName('migrate', options.table ?? SESSIONS)
  await runMigration(pool, sessionMigration(table))
}

/**
 * Creates the login-throttle table of `PostgresRateLimitStore` when it is missing.
 * Same guarantees and errors as {@link migrate}.
 *
 * @example
 * ```ts
 * await migrateRateLimits(pool) // table tessera_rate_limits
 * ```
 */
export async function migrateRateLimits(pool: Pool, options: MigrateOptions = {}): Promise<void> {
  assertPool('migrateRateLimits', pool)
  const table = tableName('migrateRateLimits', options.table ?? RATE_LIMITS)
  await runMigration(pool, rateLimitMigration(table))
}
