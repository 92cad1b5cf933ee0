import { PostgresRateLimitStore, PostgresStore } from '@tessera/store-postgres'
import pg from 'pg'
import { CliError } from '../cli-error.js'
import { hideInErrors } from '../output/redact.js'
import { driverFailure } from './driver-failure.js'
import type { OpenedStore } from './opened-store.js'
import type { StoreUrl } from './store-url.js'

const CONNECT_TIMEOUT_MS = 5000

/**
 * Connects to PostgreSQL and opens a {@link PostgresStore} on `table` with
 * `migrate: false`: the operator's commands never create tables as a side effect (that
 * is `tessera migrate`'s job), so with `requireTable` a missing table is an error that
 * names the fix.
 */
export async function openPostgres(
  url: Extract<StoreUrl, { kind: 'postgres' }>,
  table: string,
  requireTable: boolean,
): Promise<OpenedStore> {
  const pool = new pg.Pool({
    connectionString: url.url,
    max: 2,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'tessera-cli',
  })
  // An idle client that loses its connection emits 'error' on the pool; unhandled, it
  // would end the process with a stack trace.
  pool.on('error', () => undefined)
  const password = typeof pool.options.password === 'string' ? pool.options.password : undefined
  hideInErrors(password)
  const close = async (): Promise<void> => {
    await pool.end().catch(() => undefined)
  }
  let store: PostgresStore
  try {
    // Before connecting: a bad table name is a ConfigError (a usage error), not a failure.
    store = new PostgresStore({ pool, table, migrate: false })
  } catch (error) {
    await close()
    throw error
  }
  try {
    const present = await tableExists(pool, table)
    if (requireTable && !present) {
      throw new CliError(
        'failure',
        `no table ${table} in ${url.display} (run tessera migrate, or another --table?)`,
      )
    }
  } catch (error) {
    await close()
    throw driverFailure(`cannot use ${url.display}`, error, [password])
  }
  return {
    kind: 'postgres',
    display: `${url.display} (table ${table})`,
    store,
    pool,
    rateLimits: async (name) => {
      const limits = new PostgresRateLimitStore({ pool, table: name, migrate: false })
      return (await tableExists(pool, name)) ? limits : undefined
    },
    close,
  }
}

/** Whether `table` (`name` or `schema.name`, already validated) exists. */
export async function tableExists(pool: pg.Pool, table: string): Promise<boolean> {
  const quoted = table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.')
  const { rows } = await pool.query<{ present: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS present',
    [quoted],
  )
  return rows[0]?.present === true
}
