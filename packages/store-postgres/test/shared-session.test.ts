import { randomBytes } from 'node:crypto'
import { PostgresStore } from '@tessera/store-postgres'
import pg from 'pg'
import { afterAll, describe, it } from 'vitest'
import { probePostgres } from '../../../test-support/postgres-probe.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { sharedRedeemRace } from '../../../test-support/shared-redeem-race.js'

const URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const failure = await probePostgres(URL)
const gate = serviceGate('postgresql', failure === null, `cannot connect to ${URL}: ${failure}`)

// Two pools play two app instances; everything lives in one schema, dropped at the end.
const schema = `tessera_test_shared_${randomBytes(6).toString('hex')}`
const pools = [0, 1].map(() => {
  const pool = new pg.Pool({ connectionString: URL, max: 20 })
  // An idle client that loses its connection emits 'error'; unhandled, it kills the run.
  pool.on('error', () => undefined)
  return pool
}) as [pg.Pool, pg.Pool]

afterAll(async () => {
  if (!gate.skip) await pools[0].query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await Promise.all(pools.map((p) => p.end()))
})

describe.skipIf(gate.skip)('shared sessions on PostgreSQL (django-shared-session)', () => {
  it('two app instances, two pools, one table: of 32 concurrent redemptions of one code, exactly one wins', async () => {
    await pools[0].query(`CREATE SCHEMA "${schema}"`)
    const table = `${schema}.sessions`
    const first = new PostgresStore({ pool: pools[0], table })
    // Migrated once before the race: the race is about redemption, not DDL.
    await first.get('x'.repeat(22))
    await sharedRedeemRace([first, new PostgresStore({ pool: pools[1], table })], 32)
  })
})
