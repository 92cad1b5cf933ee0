import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteRateLimitStore } from '@tessera/store-sqlite'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { startDemoProcess } from '../../../test-support/demo-process.js'

// The demo's login-throttle counters sit in DATA_DIR/sessions.sqlite3 beside the
// sessions: one row per username (and per username and client) ever tried, so rows of
// ended windows must be swept as expired sessions are, or they stay for ever.

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-sweep-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function counters(path: string): number {
  const db = new Database(path, { readonly: true })
  const n = db.prepare('SELECT count(*) FROM tessera_rate_limits').pluck().get() as number
  db.close()
  return n
}

describe('the demo sweeps what expires (SQLite)', () => {
  it('deletes the login-throttle counters whose window ended, keeps the live ones', async () => {
    const path = join(dataDir, 'sessions.sqlite3')
    const limits = new SqliteRateLimitStore({ path })
    const now = Date.now()
    for (let i = 0; i < 30; i++) await limits.reserve(`ended${i}`, 5, 900_000, now - 3_600_000)
    for (let i = 0; i < 2; i++) await limits.reserve(`live${i}`, 5, 900_000, now)
    await limits.close()
    expect(counters(path)).toBe(32)

    const demo = await startDemoProcess({ DATA_DIR: dataDir })
    try {
      expect(counters(path)).toBe(2)
    } finally {
      await demo.stop()
    }
  }, 60_000)
})
