import { SessionManager } from '@tessera/core'
import { migrate, PostgresStore } from '@tessera/store-postgres'
import { benchSecret } from './bench-secret.js'
import { benchPool, postgresTable } from './postgres.js'

/**
 * A `SessionManager` over `PostgresStore` on the shared PostgreSQL, for the Tessera
 * targets on PostgreSQL: the pool `PostgresStore`'s README recommends (`benchPool`), the
 * sessions in a table of this target's and process's own, created before the server
 * listens. `cleanup` drops that table and ends the pool; pass it to
 * `reportListening`.
 *
 * @example
 * ```ts
 * const { manager, cleanup } = await tesseraOnPostgres('tessera-hono-postgres')
 * ```
 */
export async function tesseraOnPostgres(
  targetId: string,
): Promise<{ manager: SessionManager; cleanup: () => Promise<void> }> {
  const pool = benchPool()
  const table = postgresTable(targetId)
  // The table exists before the first request, as after a deploy's migration; the store
  // keeps its default (`migrate: true`), as its README's example does.
  await migrate(pool, { table })
  const store = new PostgresStore({ pool, table })
  const manager = new SessionManager({ store, secret: benchSecret })
  const cleanup = async (): Promise<void> => {
    await pool.query(`DROP TABLE IF EXISTS "${table}"`)
    await pool.end()
  }
  return { manager, cleanup }
}
