import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { probePostgres } from '../../../test-support/postgres-probe.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { PostgresUsers } from '../src/postgres-users.js'

// UserProvider.replacePasswordHash in the demo's PostgreSQL user table: one conditional
// UPDATE, so a login's hash upgrade or a password change never writes over a hash stored
// meanwhile (api.test.ts races them through the API on the SQLite table).
const PG_URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const failure = await probePostgres(PG_URL)
const gate = serviceGate('postgresql', failure === null, `cannot connect to ${PG_URL}: ${failure}`)
const table = `tessera_demo_replace_${randomBytes(4).toString('hex')}`

describe.skipIf(gate.skip)('PostgresUsers.replacePasswordHash', () => {
  const pool = new pg.Pool({ connectionString: PG_URL })
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`)
    await pool.end()
  })

  it('stores the hash only over the one given, and of a parallel burst exactly one wins', async () => {
    const users = await PostgresUsers.open(pool, table)
    const ada = await users.create('ada', 'pbkdf2_sha256$1$salt$old')
    expect(await users.replacePasswordHash(ada.id, 'pbkdf2_sha256$1$salt$other', 'x')).toBe(false)
    expect((await users.findById(ada.id))?.passwordHash).toBe('pbkdf2_sha256$1$salt$old')
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        users.replacePasswordHash(ada.id, 'pbkdf2_sha256$1$salt$old', `scrypt$${i}`),
      ),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = results.indexOf(true)
    expect((await users.findById(ada.id))?.passwordHash).toBe(`scrypt$${winner}`)
    // An id that is no row, or no number, is refused without a query error.
    for (const id of ['999999', 'x', '1 OR 1=1', '']) {
      expect(await users.replacePasswordHash(id, `scrypt$${winner}`, 'y')).toBe(false)
    }
    expect((await users.findById(ada.id))?.passwordHash).toBe(`scrypt$${winner}`)
  })
})
