import { SessionManager } from '@tessera/core'
import { migrate, PostgresStore } from '@tessera/store-postgres'
import { benchSecret } from './bench-secret.js'
import { type BenchPoolOptions, openBenchTable } from './postgres.js'

/**
 * A `SessionManager` over `PostgresStore` on the shared PostgreSQL, for the Tessera
 * targets on PostgreSQL: the pool `PostgresStore`'s README recommends (`openBenchTable`), the
 * sessions in a table of this target's and process's own, created before the server
 * listens. `cleanup` drops that table and ends the pool; pass it to
 * `reportListening`. `clock` is the store's and the manager's (`npm run
 * bench:instructions` passes one that stands still); `connectTimeoutMs` goes to
 * `openBenchTable`.
 *
 * @example
 * ```ts
 * const { manager, cleanup } = await tesseraOnPostgres('tessera-hono-postgres')
 * ```
 */
export async function tesseraOnPostgres(
  targetId: string,
  { clock, connectTimeoutMs }: { clock?: () => number } & BenchPoolOptions = {},
): Promise<{ manager: SessionManager; cleanup: () => Promise<void> }> {
  const { pool, table, drop } = openBenchTable(targetId, { connectTimeoutMs })
  // The table exists before the first request, as after a deploy's migration; the store
  // keeps its default (`migrate: true`), as its README's example does.
  await migrate(pool, { table })
  const store = new PostgresStore({ pool, table, clock })
  const manager = new SessionManager({ store, secret: benchSecret, clock })
  return { manager, cleanup: drop }
}
