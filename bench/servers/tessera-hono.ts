// Tessera on Hono with the SQLite store: the target the bench exists for. The database is a
// file in a fresh temp dir (not :memory:) so the store pays for real file I/O, as in production.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SessionManager } from '@tessera/core'
import { SqliteStore } from '@tessera/store-sqlite'
import { serveTesseraHono } from '../lib/serve-tessera-hono.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'))

const manager = new SessionManager({
  store: new SqliteStore({ path: join(dir, 'sessions.sqlite3') }),
  secret: 'bench-secret-bench-secret-bench-secret!!',
})

serveTesseraHono(manager, () => rmSync(dir, { recursive: true, force: true }))
