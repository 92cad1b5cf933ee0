import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteStore } from '@tessera/store-sqlite'
import { describe, it } from 'vitest'
import { sharedRedeemRace } from '../../../test-support/shared-redeem-race.js'

describe('shared sessions on SQLite (django-shared-session)', () => {
  it('two app instances on one database file: of 8 concurrent redemptions of one code, exactly one wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-shared-'))
    const file = join(dir, 'sessions.db')
    const stores: [SqliteStore, SqliteStore] = [
      new SqliteStore({ path: file }),
      new SqliteStore({ path: file }),
    ]
    try {
      await sharedRedeemRace(stores)
    } finally {
      for (const store of stores) await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
