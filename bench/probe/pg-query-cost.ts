// What one `pg` statement costs Node, by the way the store could send it: the batched read
// `PostgresStore.getShared` sends (`… WHERE id = ANY($1::text[]) …`), one statement at a
// time in a serial loop, through the pool (`pool.query`, as the store does), through the
// pool with `rowMode: 'array'` (no row object per row), and through one client checked out
// for the whole loop (no checkout per statement). Prints the process's CPU (user +
// system) and the wall time per statement, three rounds, alternately, after a warm-up.
//
//   node --import tsx probe/pg-query-cost.ts
import type pg from 'pg'
import { openBenchTable } from '../lib/postgres.js'

const { pool, table, drop } = openBenchTable('probe-pg-query-cost')
await pool.query(`CREATE TABLE "${table}" (id text PRIMARY KEY, expires_at bigint, record jsonb)`)
await pool.query(`INSERT INTO "${table}" VALUES ('floor', $1, '{"user":"bench"}')`, [
  Date.now() + 86_400_000,
])
const text = `SELECT id, record::text AS record FROM "${table}" WHERE id = ANY($1::text[]) AND expires_at > $2`
const client = await pool.connect()
const ways: Record<string, () => Promise<pg.QueryResult>> = {
  'pool.query': () => pool.query(text, [['floor'], Date.now()]),
  'rowMode array': () => pool.query({ text, values: [['floor'], Date.now()], rowMode: 'array' }),
  'one client': () => client.query(text, [['floor'], Date.now()]),
}

async function perStatement(send: () => Promise<pg.QueryResult>, n: number) {
  const cpu = process.cpuUsage()
  const start = performance.now()
  for (let i = 0; i < n; i++) await send()
  const used = process.cpuUsage(cpu)
  return { cpu: (used.user + used.system) / n, wall: ((performance.now() - start) * 1000) / n }
}

try {
  for (const send of Object.values(ways)) await perStatement(send, 3000)
  for (let round = 1; round <= 3; round++) {
    for (const [name, send] of Object.entries(ways)) {
      const { cpu, wall } = await perStatement(send, 10_000)
      console.log(
        `round ${round}  ${name.padEnd(13)}  CPU ${cpu.toFixed(1)} µs, wall ${wall.toFixed(1)} µs per statement`,
      )
    }
  }
} finally {
  client.release()
  await drop()
}
