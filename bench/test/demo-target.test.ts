// The `demo` target: the real demo started as `npm start` runs it (SQLite sessions), and
// the check that anonymous CSRF fetches write nothing to its session store.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoLogin, demoPath, prepareDemoRequest } from '../lib/demo-session.js'
import { measure, problems } from '../lib/measure.js'
import { type RunningDemo, spawnDemo } from '../lib/spawn-demo.js'

describe('the demo target', () => {
  let demo: RunningDemo
  beforeAll(async () => {
    demo = await spawnDemo()
  }, 150_000)
  afterAll(async () => {
    await demo?.stop()
  })

  /**
   * Rows of the demo's session table, read through a second connection to its SQLite
   * file; 0 while the store has not created the file or the table (it does on first use).
   */
  const sessionRows = (): number => {
    const path = join(demo.dataDir, 'sessions.sqlite3')
    if (!existsSync(path)) return 0
    const db = new Database(path, { readonly: true })
    try {
      const table = db
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get('tessera_sessions') as { n: number }
      if (table.n === 0) return 0
      return (db.prepare('SELECT count(*) AS n FROM tessera_sessions').get() as { n: number }).n
    } finally {
      db.close()
    }
  }

  it('an anonymous GET /api/csrf/ writes nothing to the store; a login writes one row', async () => {
    const before = sessionRows()
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`${demo.url}/api/csrf/`)
      await response.arrayBuffer()
      expect(response.status).toBe(200)
      expect(response.headers.getSetCookie().join()).toContain('csrftoken=')
    }
    expect(sessionRows()).toBe(before)

    await demoLogin(demo.url)
    expect(sessionRows()).toBe(before + 1)
  })

  it('measures GET /api/hello/ with a live session: 200 and the user on every response', async () => {
    const request = await prepareDemoRequest(demo.url)
    expect(request.expectBody).toBe('{"message":"Hello admin"}')
    const m = await measure({ ...request, url: `${demo.url}${demoPath}`, durationSeconds: 1 })
    expect(m.requestsPerSecond).toBeGreaterThan(0)
    expect(problems(m)).toEqual([])
  })
})
