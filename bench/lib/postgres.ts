import pg from 'pg'
import { probePostgres } from '../../test-support/postgres-probe.js'

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

/** What a caller of {@link openBenchTable} may change in the targets' pool. */
export interface BenchPoolOptions {
  /** How long a new connection may take (`connectionTimeoutMillis`). @default 500 */
  connectTimeoutMs?: number
}

/**
 * A pool on the shared PostgreSQL with the options `PostgresStore`'s README recommends
 * (`max: 10`, `connectionTimeoutMillis: 500`, `statement_timeout: 2000`), and the table of
 * `targetId` in this process ({@link postgresTable}). Every PostgreSQL target of ours
 * opens one, so the Tessera targets, the floor and the peers read through the same pool
 * settings. `drop` drops the table and ends the pool: the server's clean-up on exit.
 * `connectTimeoutMs` replaces the 500 ms only where the process runs far slower than a
 * server does (`npm run bench:instructions` and `bench:attribute`, under valgrind).
 *
 * @example
 * ```ts
 * const { pool, table, drop } = openBenchTable('hono-postgres-floor')
 * ```
 */
export function openBenchTable(
  targetId: string,
  { connectTimeoutMs = 500 }: BenchPoolOptions = {},
): {
  pool: pg.Pool
  table: string
  drop: () => Promise<void>
} {
  const pool = new pg.Pool({
    connectionString: postgresUrl,
    max: 10,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: 2000,
  })
  pool.on('error', (error) => console.error('idle PostgreSQL client failed:', error.message))
  const table = postgresTable(targetId)
  const drop = async (): Promise<void> => {
    await pool.query(`DROP TABLE IF EXISTS "${table}"`)
    await pool.end()
  }
  return { pool, table, drop }
}

/**
 * Whether `table` (a name as {@link postgresTable} makes it, quoted here) exists, asked
 * through `client`: the tests check that a target or loop created its table and that its
 * clean-up dropped it.
 */
export async function benchTableExists(client: pg.ClientBase, table: string): Promise<boolean> {
  const { rows } = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [
    `"${table}"`,
  ])
  return rows[0]?.t !== null
}

/**
 * Whether the shared PostgreSQL accepts a connection and answers `SELECT 1` within two
 * seconds (test-support's `probePostgres`): the PostgreSQL targets are skipped when it
 * does not.
 */
export async function postgresReachable(): Promise<boolean> {
  return (await probePostgres(postgresUrl)) === null
}
