import { CliError } from '../cli-error.js'
import { openPostgres } from './open-postgres.js'
import { openRedis } from './open-redis.js'
import { openSqlite } from './open-sqlite.js'
import type { OpenedStore } from './opened-store.js'
import { parseStoreUrl } from './store-url.js'

/** The store options every store command takes (`--store`, `--table`, `--prefix`). */
export interface StoreFlags {
  store?: string | undefined
  table?: string | undefined
  prefix?: string | undefined
}

/** Default `--table` (SQLite, PostgreSQL), as the store packages name it. */
export const DEFAULT_TABLE = 'tessera_sessions'
/** Default `--prefix` (Redis), as the store package names it. */
export const DEFAULT_PREFIX = 'tessera:'

/**
 * Opens the session store the command line points at: `--store URL`, else the
 * `TESSERA_STORE` environment variable. `--table` applies to SQLite and PostgreSQL,
 * `--prefix` to Redis; giving one to the other kind is a usage error, because it
 * would be silently ignored otherwise.
 *
 * @throws {CliError} `usage` for a missing or malformed URL or a misplaced flag,
 * `failure` when the store cannot be reached or has no session table.
 *
 * @example
 * ```ts
 * const opened = await openStore({ store: 'sqlite:data/sessions.sqlite3' }, process.env)
 * await opened.close()
 * ```
 */
export async function openStore(
  flags: StoreFlags,
  env: Readonly<Record<string, string | undefined>>,
  options: { requireTable?: boolean } = {},
): Promise<OpenedStore> {
  const value = flags.store ?? env.TESSERA_STORE
  if (value === undefined || value === '') {
    throw new CliError('usage', 'no store given: pass --store URL or set TESSERA_STORE')
  }
  const url = parseStoreUrl(value)
  const isRedis = url.kind === 'redis' || url.kind === 'redis-cluster'
  if (isRedis && flags.table !== undefined) {
    throw new CliError(
      'usage',
      '--table applies to SQLite and PostgreSQL stores; Redis takes --prefix',
    )
  }
  if (!isRedis && flags.prefix !== undefined) {
    throw new CliError(
      'usage',
      '--prefix applies to Redis stores; SQLite and PostgreSQL take --table',
    )
  }
  switch (url.kind) {
    case 'sqlite':
      return openSqlite(url.path, flags.table ?? DEFAULT_TABLE)
    case 'postgres':
      return openPostgres(url, flags.table ?? DEFAULT_TABLE, options.requireTable ?? true)
    default:
      return openRedis(url, flags.prefix ?? DEFAULT_PREFIX)
  }
}
