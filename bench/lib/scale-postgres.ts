import type { SessionRecord } from '@tessera/core'
import { PostgresStore } from '@tessera/store-postgres'
import pg from 'pg'
import { fillStore } from './fill-store.js'
import { postgresUrl } from './postgres.js'
import { runClearsessions } from './run-clearsessions.js'
import type { Clearing, Footprint } from './scale-result.js'

const dayMs = 24 * 60 * 60 * 1000

/**
 * PostgreSQL at scale, in two tables of this process's own (`tessera_bench_scale_<pid>`
 * and `…_expired_<pid>`, dropped afterwards; no shared table is touched): table plus
 * index size per live session (`pg_total_relation_size`, TOAST included), then `tessera
 * clearsessions --table` on `sessions` expired ones.
 */
export async function postgresScale(
  template: SessionRecord,
  sessions: number,
): Promise<{ footprint: Footprint; clearing: Clearing }> {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 8 })
  const live = `tessera_bench_scale_${process.pid}`
  const expired = `tessera_bench_scale_expired_${process.pid}`
  try {
    const now = Date.now()
    await fill(pool, live, template, sessions, now)
    await pool.query(`VACUUM ANALYZE "${live}"`)
    const size = await pool.query<{ total: string; heap: string; indexes: string }>(
      `SELECT pg_total_relation_size($1) AS total, pg_relation_size($1) AS heap,
              pg_indexes_size($1) AS indexes`,
      [live],
    )
    const { total, heap, indexes } = size.rows[0] as {
      total: string
      heap: string
      indexes: string
    }
    const footprint = {
      store: 'tessera postgres',
      sessions,
      bytes: Number(total),
      how: `pg_total_relation_size (heap ${Number(heap)}, indexes ${Number(indexes)}, rest TOAST/FSM/VM)`,
    }

    // Created two days ago with a one-hour life: expired by the real clock of the CLI.
    const past = now - 2 * dayMs
    await fill(pool, expired, template, sessions, past, dayMs / 24)
    const clearing = await runClearsessions('tessera postgres', sessions, [
      '--store',
      postgresUrl,
      '--table',
      expired,
    ])
    return { footprint, clearing }
  } finally {
    await pool.query(`DROP TABLE IF EXISTS "${live}", "${expired}"`)
    await pool.end()
  }
}

async function fill(
  pool: pg.Pool,
  table: string,
  template: SessionRecord,
  sessions: number,
  createdAt: number,
  lifeMs?: number,
): Promise<void> {
  const store = new PostgresStore({ pool, table, clock: () => createdAt })
  const label = `postgres ${lifeMs === undefined ? 'live' : 'expired'}`
  await fillStore(store, template, { sessions, createdAt, inFlight: 8, label, lifeMs })
}
