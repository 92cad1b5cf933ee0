import { randomBytes } from 'node:crypto'
import {
  LoginThrottle,
  MemoryRateLimitStore,
  MemoryStore,
  SessionManagement,
  SessionManager,
} from '@tessera/core'
import { createPasswordHasher } from '@tessera/password'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { probePostgres } from '../../../test-support/postgres-probe.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { createApp } from '../src/app.js'
import { PostgresUsers } from '../src/postgres-users.js'
import { Client } from './client.js'
import { SECRET, TEST_ALLOWED_HOSTS } from './fixture.js'

// The demo's users in PostgreSQL (DATABASE_URL). api.ts: "answer untrusted input with a
// 4xx, never a throw"; a login body is untrusted input.
const PG_URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const failure = await probePostgres(PG_URL)
const gate = serviceGate('postgresql', failure === null, `cannot connect to ${PG_URL}: ${failure}`)
const table = `tessera_demo_username_${randomBytes(4).toString('hex')}`

describe.skipIf(gate.skip)('a login body username reaching PostgreSQL', () => {
  const pool = new pg.Pool({ connectionString: PG_URL })
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`)
    await pool.end()
  })

  it('a username with a NUL character is an ordinary failed login (401/400), not a 503 outage', async () => {
    const users = await PostgresUsers.open(pool, table)
    const store = new MemoryStore()
    const manager = new SessionManager({ store, secret: SECRET })
    const hasher = createPasswordHasher({ scrypt: { N: 1024, r: 8, p: 1, allowWeak: true } })
    await users.create('admin', await hasher.hash('admin'))
    const app = createApp({
      manager,
      users,
      hasher,
      throttle: new LoginThrottle({ store: new MemoryRateLimitStore(), keys: manager.keys }),
      management: new SessionManagement({ store, users, hasher }),
      allowedHosts: TEST_ALLOWED_HOSTS,
    })
    const browser = new Client(app)
    expect((await browser.login('admin', 'wrong')).status).toBe(401) // control
    const res = await browser.login('admin\u0000', 'wrong')
    // PostgreSQL text cannot hold U+0000, so no user has such a name: the same 401 as
    // any unknown user, not a store outage.
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Invalid username or password.' })
  })
})
