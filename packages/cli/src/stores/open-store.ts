import { TieredStore } from '@tessera/core'
import { CliError } from '../cli-error.js'
import type { OpenedStore } from './opened-store.js'
import { loadStoreDriver } from './store-driver.js'
import { parseStoreUrl } from './store-url.js'

/** The store options every store command takes (`--store`, `--table`, `--prefix`). */
export interface StoreFlags {
  store?: string | undefined
  table?: string | undefined
  prefix?: string | undefined
  /** A Redis URL: the cache of a `TieredStore` in front of `store`. */
  cache?: string | undefined
}

/** Default `--table` (SQLite, PostgreSQL), as the store packages name it. */
export const DEFAULT_TABLE = 'tessera_sessions'
/** Default `--prefix` (Redis), as the store package names it. */
export const DEFAULT_PREFIX = 'tessera:'

/**
 * Opens the session store the command line points at: `--store URL`, else the
 * `TESSERA_STORE` environment variable. `--table` applies to SQLite and PostgreSQL,
 * `--prefix` to Redis; giving one to the other kind is a usage error, because it
 * would be silently ignored otherwise. `--cache redis://…` puts a Redis cache in front
 * of a SQLite or PostgreSQL store, as an app running `TieredStore` does (`--prefix`
 * is then the cache's), so a revocation also deletes the cached copy.
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
  const cacheUrl = flags.cache === undefined ? undefined : parseStoreUrl(flags.cache)
  if (isRedis && flags.table !== undefined) {
    throw new CliError(
      'usage',
      '--table applies to SQLite and PostgreSQL stores; Redis takes --prefix',
    )
  }
  if (!isRedis && flags.prefix !== undefined && cacheUrl === undefined) {
    throw new CliError(
      'usage',
      '--prefix applies to Redis stores; SQLite and PostgreSQL take --table',
    )
  }
  if (
    cacheUrl !== undefined &&
    (isRedis || cacheUrl.kind === 'sqlite' || cacheUrl.kind === 'postgres')
  ) {
    throw new CliError(
      'usage',
      '--cache takes a Redis URL, in front of a SQLite or PostgreSQL --store',
    )
  }
  // Loaded only for the store asked for: each store's driver is an optional dependency.
  const redis = () => loadStoreDriver('redis', () => import('./open-redis.js'))
  let primary: OpenedStore
  switch (url.kind) {
    case 'sqlite': {
      const { openSqlite } = await loadStoreDriver('sqlite', () => import('./open-sqlite.js'))
      primary = openSqlite(url.path, flags.table ?? DEFAULT_TABLE)
      break
    }
    case 'postgres': {
      const { openPostgres } = await loadStoreDriver('postgres', () => import('./open-postgres.js'))
      primary = await openPostgres(url, flags.table ?? DEFAULT_TABLE, options.requireTable ?? true)
      break
    }
    default:
      return (await redis()).openRedis(url, flags.prefix ?? DEFAULT_PREFIX)
  }
  if (cacheUrl === undefined) return primary
  let cache: OpenedStore
  try {
    cache = await (await redis()).openRedis(cacheUrl, flags.prefix ?? DEFAULT_PREFIX)
  } catch (error) {
    await primary.close()
    throw error
  }
  // The app's own arrangement: every write and revocation reaches both stores.
  const store = new TieredStore({ cache: cache.store, primary: primary.store })
  return {
    ...primary,
    display: `${primary.display} with the Redis cache ${cache.display}`,
    store: store as OpenedStore['store'],
    ...(cache.redis ? { cache: cache.redis } : {}),
    close: async () => {
      await Promise.all([primary.close(), cache.close()])
    },
  }
}
