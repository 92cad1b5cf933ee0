import { CliError } from '../cli-error.js'
import { DEFAULT_TABLE, openStore, type StoreFlags } from '../stores/open-store.js'
import type { Command } from './command.js'
import { STORE_OPTIONS } from './store-options.js'

const DEFAULT_RATE_LIMIT_TABLE = 'tessera_rate_limits'

/**
 * `tessera migrate`: creates the PostgreSQL session table (and, with `--rate-limits`,
 * the login-throttle table) through `@tessera/store-postgres`'s `migrate`, which checks
 * the catalog first and runs its DDL under an advisory lock, so deploy steps on several
 * machines may run it at once.
 *
 * @example
 * ```sh
 * tessera migrate --store postgres://app@db/app --table auth.sessions
 * ```
 */
export const migrate: Command = {
  words: ['migrate'],
  summary: 'create the PostgreSQL session table and its indexes (idempotent)',
  usage:
    'tessera migrate [--store postgres://…] [--table NAME] [--rate-limits [--rate-limit-table NAME]]',
  description: `Creates the PostgreSQL session table (--table, default tessera_sessions; the
schema of schema.name must exist) and its indexes when they are missing, and says
whether it created them or found them. It checks the catalog first (no lock when all
is there) and runs the DDL under a transaction-scoped advisory lock, so several
deploy steps may run it at once. --rate-limits also creates the login-throttle table
of PostgresRateLimitStore (--rate-limit-table, default tessera_rate_limits).

Run it from a deploy step and give the app's store "migrate: false" when the app's
database role may not run DDL. SQLite creates its table on first use and Redis needs
none, so migrate is for PostgreSQL only.

Example:
  tessera migrate --store postgres://deploy@db/app --table auth.sessions --rate-limits`,
  options: {
    ...STORE_OPTIONS,
    'rate-limits': { type: 'boolean', help: 'also create the login-throttle table' },
    'rate-limit-table': {
      type: 'string',
      arg: 'NAME',
      help: 'the login-throttle table (default: tessera_rate_limits)',
    },
  },
  positionals: { min: 0, max: 0, names: '' },
  async run(args, io) {
    const flags = args.values as StoreFlags & Record<string, string | boolean | undefined>
    const url = flags.store ?? io.env.TESSERA_STORE ?? ''
    if (url !== '' && !/^postgres(ql)?:\/\//i.test(url)) {
      throw new CliError(
        'usage',
        'migrate is for PostgreSQL stores (SQLite creates its table on first use, Redis needs none)',
      )
    }
    const rateTable = flags['rate-limit-table'] as string | undefined
    if (rateTable !== undefined && flags['rate-limits'] !== true) {
      throw new CliError('usage', '--rate-limit-table needs --rate-limits')
    }
    const opened = await openStore(flags, io.env, { requireTable: false })
    const pool = opened.pool
    // Imported here, not at the top: @tessera/store-postgres and pg are optional, and
    // openStore has just checked that they are installed (or said what to install).
    const {
      migrateRateLimits,
      migrate: migrateSessions,
      PostgresRateLimitStore,
    } = await import('@tessera/store-postgres')
    const { tableExists } = await import('../stores/open-postgres.js')
    try {
      if (!pool) throw new CliError('usage', 'migrate is for PostgreSQL stores')
      const jobs: [string, string, (table: string) => Promise<void>][] = [
        [
          'session table',
          flags.table ?? DEFAULT_TABLE,
          (table) => migrateSessions(pool, { table }),
        ],
      ]
      if (flags['rate-limits'] === true) {
        const table = rateTable ?? DEFAULT_RATE_LIMIT_TABLE
        // Validates the name (a ConfigError, so a usage error) before any query uses it.
        new PostgresRateLimitStore({ pool, table, migrate: false })
        jobs.push(['login-throttle table', table, (t) => migrateRateLimits(pool, { table: t })])
      }
      for (const [what, table, run] of jobs) {
        const existed = await tableExists(pool, table)
        await run(table)
        io.out(
          existed
            ? `the ${what} ${table} was already there (missing indexes, if any, created)`
            : `created the ${what} ${table} and its indexes`,
        )
      }
    } finally {
      await opened.close()
    }
  },
}
