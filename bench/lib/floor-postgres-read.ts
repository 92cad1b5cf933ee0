// PostgresStore's own batching (not exported by @tessera/store-postgres): the floor sends
// the reads of one event-loop turn as one statement exactly as the store does, and
// follows it if that ever changes.
import { migrate } from '@tessera/store-postgres'
import { TurnReads } from '../../packages/store-postgres/src/lib/turn-reads.js'
import type { FloorRead } from './floor-read.js'
import { type BenchPoolOptions, openBenchTable } from './postgres.js'

/**
 * What any session on PostgreSQL must do per request, as `PostgresStore` does it: the
 * store's own read of the reads of one event-loop turn as one statement (store-postgres's
 * `TurnReads`, `SELECT id, record::text … WHERE id = ANY($1::text[]) AND expires_at >
 * $2`) through the Tessera PostgreSQL targets' pool (`openBenchTable`), from a table
 * created by store-postgres's `migrate`, and `record` parsed as JSON. The row holds
 * `{"user":"bench"}`, as the Redis floors' hash does. Shaped as the Redis floors' reads,
 * so the floor apps serve it unchanged. `options` go to `openBenchTable`.
 *
 * @example
 * ```ts
 * const floor = await openFloorPostgresRead('hono-postgres-floor')
 * const user = await floor.read() // 'bench'
 * ```
 */
export async function openFloorPostgresRead(
  target: string,
  options: BenchPoolOptions = {},
): Promise<FloorRead> {
  const { pool, table, drop } = openBenchTable(target, options)
  await migrate(pool, { table })
  await pool.query(
    `INSERT INTO "${table}" (id, user_id, expires_at, version, record) VALUES ($1, NULL, $2, 1, $3::jsonb)`,
    ['floor', Date.now() + 24 * 60 * 60 * 1000, JSON.stringify({ user: 'bench' })],
  )
  const text = `SELECT id, record::text AS record FROM "${table}" WHERE id = ANY($1::text[]) AND expires_at > $2`
  const reads = new TurnReads(async (ids) => {
    const { rows } = await pool.query<{ id: string; record: string }>(text, [ids, Date.now()])
    return new Map(rows.map((row) => [row.id, row.record]))
  })
  return {
    async read() {
      const record = await reads.read('floor')
      return (JSON.parse(record ?? '{}') as { user: string }).user
    },
    close: drop,
  }
}
