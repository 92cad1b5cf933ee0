import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tessera } from './support/run-tessera.js'

// The import itself, against databases Django made, is apps/demo/test/import-django-users.test.ts
// (it logs the users in through the demo); here, what the command refuses.

const dir = mkdtempSync(join(tmpdir(), 'tessera-import-usage-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('tessera import-django-users: refusals', () => {
  it.each([
    [['--to', 'app.sqlite3'], 2, 'tessera: --from is required (see --help)'],
    [['--from', 'sqlite:db.sqlite3'], 2, 'tessera: --to is required (see --help)'],
    [
      ['--from', 'redis://127.0.0.1:6379', '--to', 'app.sqlite3'],
      2,
      'tessera: --from must be a Django database: sqlite:FILE or postgres://…',
    ],
    [
      ['--from', 'sqlite:db.sqlite3', '--to', 'postgres://u:hunter2@db/app'],
      2,
      'tessera: --to must be a SQLite file (sqlite:FILE or FILE)',
    ],
    [
      ['--from', 'sqlite:db.sqlite3', '--to', 'app.sqlite3', '--from-table', 'x; DROP TABLE y'],
      2,
      'tessera: --from-table must be a table name or schema.name, got "x; DROP TABLE y"',
    ],
    [
      ['--from', 'sqlite:absent.sqlite3', '--to', 'app.sqlite3'],
      1,
      'tessera: no SQLite database at absent.sqlite3',
    ],
  ])('%j: exit %i, one line', async (args, code, message) => {
    const run = await tessera(['import-django-users', ...args], { cwd: dir })
    expect(run.stderr).toBe(`${message}\n`)
    expect(run.stdout).toBe('')
    expect(run.code).toBe(code)
  })
})
