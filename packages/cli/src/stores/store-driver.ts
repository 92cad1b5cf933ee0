import { CliError } from '../cli-error.js'

/** The kinds of store the command opens, each through its own optional packages. */
export type StoreDriverKind = 'sqlite' | 'redis' | 'postgres'

// A command is installed once and pointed at one store, so each store's package and
// driver are optional peer dependencies: an operator on Redis need not compile
// better-sqlite3. These are what `npm install` must add for each kind.
const PACKAGES: Record<StoreDriverKind, readonly string[]> = {
  sqlite: ['@tessera/store-sqlite', 'better-sqlite3'],
  redis: ['@tessera/store-redis', 'ioredis'],
  postgres: ['@tessera/store-postgres', 'pg'],
}
const LABEL: Record<StoreDriverKind, string> = {
  sqlite: 'SQLite',
  redis: 'Redis',
  postgres: 'PostgreSQL',
}

/**
 * Loads the module that opens a `kind` store, after checking that the store package and
 * its driver are installed. A missing one is a `failure` whose message is the exact
 * `npm install` line, rather than Node's `ERR_MODULE_NOT_FOUND` with a stack.
 *
 * @throws {CliError} `failure` naming every missing package.
 *
 * @example
 * ```ts
 * const { openSqlite } = await loadStoreDriver('sqlite', () => import('./open-sqlite.js'))
 * ```
 */
export async function loadStoreDriver<T>(
  kind: StoreDriverKind,
  load: () => Promise<T>,
): Promise<T> {
  const missing = PACKAGES[kind].filter((name) => !installed(name))
  if (missing.length > 0) {
    const what = missing.length === 1 ? 'is' : 'are'
    throw new CliError(
      'failure',
      `${LABEL[kind]} stores need ${missing.join(' and ')}, which ${what} not installed: npm install ${missing.join(' ')}`,
    )
  }
  return load()
}

/** Whether `name` resolves from this package, as the store module's import will. */
function installed(name: string): boolean {
  try {
    import.meta.resolve(name)
    return true
  } catch {
    return false
  }
}
