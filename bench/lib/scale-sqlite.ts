import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SessionRecord } from '@tessera/core'
import { SqliteStore } from '@tessera/store-sqlite'
import Database from 'better-sqlite3'
import { fillStore } from './fill-store.js'
import { runClearsessions } from './run-clearsessions.js'
import type { Clearing, Footprint } from './scale-result.js'

const dayMs = 24 * 60 * 60 * 1000

/**
 * SQLite at scale, in a fresh temp dir deleted afterwards: the file size per live session
 * after `sessions` creates (WAL checkpointed into the file first), then `tessera
 * clearsessions` on a second file holding `sessions` expired ones.
 */
export async function sqliteScale(
  template: SessionRecord,
  sessions: number,
): Promise<{ footprint: Footprint; clearing: Clearing }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-scale-'))
  try {
    const live = join(dir, 'live.sqlite3')
    await fill(live, template, sessions, Date.now())
    const bytes = checkpointedSize(live)
    const footprint = {
      store: 'tessera sqlite',
      sessions,
      bytes,
      how: 'file size after a WAL checkpoint',
    }

    const expired = join(dir, 'expired.sqlite3')
    // Created two days ago with a one-hour life: every row is expired by the real clock
    // clearsessions uses.
    await fill(expired, template, sessions, Date.now() - 2 * dayMs, dayMs / 24)
    checkpointedSize(expired)
    const clearing = await runClearsessions('tessera sqlite', sessions, [
      '--store',
      `sqlite:${expired}`,
    ])
    return { footprint, clearing }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function fill(
  path: string,
  template: SessionRecord,
  sessions: number,
  createdAt: number,
  lifeMs?: number,
): Promise<void> {
  // The store's clock is the creation time, so expired copies are still accepted as new.
  const store = new SqliteStore({ path, clock: () => createdAt })
  const label = `sqlite ${lifeMs === undefined ? 'live' : 'expired'}`
  await fillStore(store, template, { sessions, createdAt, inFlight: 1, label, lifeMs })
  await store.close()
}

function checkpointedSize(path: string): number {
  const db = new Database(path)
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  const wal = `${path}-wal`
  return statSync(path).size + (existsSync(wal) ? statSync(wal).size : 0)
}
