import pg from 'pg'

/** The shared PostgreSQL (trust authentication), or TESSERA_POSTGRES_URL. */
export const postgresUrl =
  process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'

/**
 * The table of one PostgreSQL target in this process: its own per target and per
 * process, so concurrent runs and other users of the shared database never see each
 * other's rows, and clean-up (`DROP TABLE`) drops only what this server created. `pid`
 * names another process's (a test asks after a child's table).
 */
export function postgresTable(targetId: string, pid = process.pid): string {
  return `tessera_bench_${targetId.replaceAll('-', '_')}_${pid}`
}

/**
 * A pool on the shared PostgreSQL with the options `PostgresStore`'s README recommends
 * (`max: 10`, `connectionTimeoutMillis: 500`, `statement_timeout: 2000`). Every
 * PostgreSQL target of ours uses it, so the Tessera targets and the floor read through
 * the same pool settings.
 *
 * @example
 * ```ts
 * const pool = benchPool()
 * ```
 */
export function benchPool(): pg.Pool {
  const pool = new pg.Pool({
    connectionString: postgresUrl,
    max: 10,
    connectionTimeoutMillis: 500,
    statement_timeout: 2000,
  })
  pool.on('error', (error) => console.error('idle PostgreSQL client failed:', error.message))
  return pool
}

/**
 * Whether the shared PostgreSQL accepts a connection and answers `SELECT 1` within
 * `timeoutMs`: the PostgreSQL targets are skipped when it does not.
 */
export async function postgresReachable(timeoutMs = 2_000): Promise<boolean> {
  const client = new pg.Client({
    connectionString: postgresUrl,
    connectionTimeoutMillis: timeoutMs,
  })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}
