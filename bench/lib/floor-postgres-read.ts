import { migrate } from '@tessera/store-postgres'
import type { FloorRead } from './floor-read.js'
import { openBenchTable } from './postgres.js'

/**
 * What any session on PostgreSQL must do per request, as `PostgresStore` does it: one
 * statement through the Tessera PostgreSQL targets' pool (`openBenchTable`), the store's own
 * read (`SELECT record::text … WHERE id = $1 AND expires_at > $2`) of one row of a table
 * created by store-postgres's `migrate`, and `record` parsed as JSON. The row holds
 * `{"user":"bench"}`, as the Redis floors' hash does. Shaped as the Redis floors'
 * reads, so the Hono floor app serves it unchanged.
 *
 * @example
 * ```ts
 * const floor = await openFloorPostgresRead('hono-postgres-floor')
 * const user = await floor.read() // 'bench'
 * ```
 */
export async function openFloorPostgresRead(target: string): Promise<FloorRead> {
  const { pool, table, drop } = openBenchTable(target)
  await migrate(pool, { table })
  await pool.query(
    `INSERT INTO "${table}" (id, user_id, expires_at, version, record) VALUES ($1, NULL, $2, 1, $3::jsonb)`,
    ['floor', Date.now() + 24 * 60 * 60 * 1000, JSON.stringify({ user: 'bench' })],
  )
  const text = `SELECT record::text AS record FROM "${table}" WHERE id = $1 AND expires_at > $2`
  return {
    async read() {
      const { rows } = await pool.query<{ record: string }>(text, ['floor', Date.now()])
      return (JSON.parse(rows[0]?.record ?? '{}') as { user: string }).user
    },
    close: drop,
  }
}
