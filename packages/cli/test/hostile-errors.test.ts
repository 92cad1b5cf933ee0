import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { tessera } from './support/run-tessera.js'

// terminal-safe.ts: text an attacker chooses, printed raw, can rewrite the operator's
// terminal with `\x1b]…` sequences. import-django-users reads a Django project's
// database — a file from elsewhere — and prints driver errors about it.

const dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-errors-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('tessera error lines are terminal-safe', () => {
  it('a hostile Django SQLite file cannot put ESC/BEL sequences on the operator terminal', async () => {
    const hostile = join(dir, 'django.sqlite3')
    const db = new Database(hostile)
    // A view named auth_user whose column calls a "function" named with escape sequences:
    // SQLite reports "no such function: <name>" when the command reads it.
    db.exec(
      `CREATE VIEW auth_user AS SELECT 1 AS id, 'a' AS username, 'p' AS password, "x\x1b]0;PWNED\x07\x1b[2J"(1) AS is_active`,
    )
    db.close()
    const app = join(dir, 'app.sqlite3')
    new Database(app).exec(
      'CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, password TEXT, is_active INTEGER)',
    )
    const run = await tessera(['import-django-users', '--from', `sqlite:${hostile}`, '--to', app])
    expect(run.code).toBe(1)
    expect(run.stderr.includes('\x1b') || run.stderr.includes('\x07')).toBe(false)
    expect(run.stderr).toContain('\\u001b]0;PWNED\\u0007')
  })
})
