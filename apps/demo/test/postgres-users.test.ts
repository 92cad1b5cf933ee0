import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { probePostgres } from '../../../test-support/postgres-probe.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { Client } from './client.js'

// With DATABASE_URL the demo's users live in PostgreSQL, so instances on different
// machines (here: processes with different DATA_DIRs) share them as they share sessions.

const PG_URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const run = randomBytes(4).toString('hex')
const failure = await probePostgres(PG_URL)
const gate = serviceGate('postgresql', failure === null, `cannot connect to ${PG_URL}: ${failure}`)

describe.skipIf(gate.skip)('demo users in PostgreSQL', () => {
  // Shared database: tables of this run only, dropped after.
  const tables = {
    SESSION_TABLE: `tessera_demo_users_s_${run}`,
    RATE_LIMIT_TABLE: `tessera_demo_users_rl_${run}`,
    USERS_TABLE: `tessera_demo_users_${run}`,
  }
  const dirs: string[] = []
  const demos: DemoProcess[] = []
  afterAll(async () => {
    await Promise.all(demos.map((d) => d.stop()))
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    await query(`DROP TABLE IF EXISTS ${Object.values(tables).join(', ')}`)
  })

  /** A demo with a DATA_DIR of its own: nothing but PostgreSQL is shared. */
  async function start(): Promise<DemoProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-pg-users-'))
    dirs.push(dataDir)
    const demo = await startDemoProcess(
      {
        DATA_DIR: dataDir,
        DATABASE_URL: PG_URL,
        TESSERA_SECRET: 'pg-users-secret-'.repeat(3),
        ...tables,
      },
      60_000,
    )
    demos.push(demo)
    return demo
  }

  it('four instances starting at once on a new database: one table, admin seeded once, users shared', async () => {
    const started = await Promise.all([start(), start(), start(), start()])
    for (const demo of started) {
      expect(demo.output()).toContain(`Users: PostgreSQL (table ${tables.USERS_TABLE})`)
    }
    const seeded = started.filter((d) =>
      d.output().includes('Created the demo user admin / admin.'),
    )
    expect(seeded).toHaveLength(1)
    expect(await query(`SELECT username FROM ${tables.USERS_TABLE}`)).toEqual([
      { username: 'admin' },
    ])

    // A password changed through one instance is the password on every other.
    const [a, b] = started
    const onA = new Client({ request: (url, init) => fetch(url, init) }, a.url)
    expect((await onA.login('admin', 'admin')).status).toBe(200)
    const changed = await onA.request('/api/password/', {
      json: { oldPassword: 'admin', newPassword: 'a much better password' },
    })
    expect(changed.status).toBe(200)
    const onB = new Client({ request: (url, init) => fetch(url, init) }, b.url)
    expect((await onB.login('admin', 'admin')).status).toBe(401)
    expect((await onB.login('admin', 'a much better password')).status).toBe(200)
    expect(await (await onB.request('/api/hello/')).json()).toEqual({ message: 'Hello admin' })

    // A restart finds the table and its user: no second seeding.
    const again = await start()
    expect(again.output()).not.toContain('Created the demo user')
    expect(again.output()).not.toContain('Demo login')
  }, 120_000)
})

async function query(sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end().catch(() => undefined)
  }
}
