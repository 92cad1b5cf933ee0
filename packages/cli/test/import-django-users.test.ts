import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
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

// Django's auth_user key is an integer, but a custom user model may key on a UUID, and
// a bigint key can exceed 2^53. Either used to land under another id (the UUID's row got
// SQLite's next rowid, 2^53 + 1 became 2^53), so the app's rows for that user pointed
// elsewhere. Keys are now carried exactly or refused.
describe('tessera import-django-users: user ids', () => {
  const TARGET =
    'CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, ' +
    'password TEXT, is_active INTEGER)'
  const databases = (name: string, idType: string, rows: [unknown, string][]) => {
    const from = join(dir, `${name}-django.sqlite3`)
    const to = join(dir, `${name}-app.sqlite3`)
    const django = new Database(from)
    django.exec(
      `CREATE TABLE auth_user (id ${idType} PRIMARY KEY, username TEXT, ` +
        'password TEXT, is_active INTEGER)',
    )
    const insert = django.prepare('INSERT INTO auth_user VALUES (?, ?, ?, 1)')
    for (const [id, username] of rows) insert.run(id, username, `!${username}`)
    django.close()
    new Database(to).exec(TARGET)
    return { from: `sqlite:${from}`, to }
  }
  const imported = (to: string) =>
    new Database(to, { readonly: true })
      .prepare('SELECT id, username FROM users ORDER BY username')
      .safeIntegers(true)
      .all()

  it('carries a bigint key beyond 2^53 exactly', async () => {
    const { from, to } = databases('bigint', 'INTEGER', [
      [2n ** 53n + 1n, 'ada'],
      [2n ** 63n - 1n, 'bob'],
      [7n, 'cyd'],
    ])
    const run = await tessera(['import-django-users', '--from', from, '--to', to])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(imported(to)).toEqual([
      { id: 9007199254740993n, username: 'ada' },
      { id: 9223372036854775807n, username: 'bob' },
      { id: 7n, username: 'cyd' },
    ])
  })

  it.each([
    ['a UUID key', '4f8e2a56-1c1b-4d6a-9a55-0f3b7f2d9c11', 'TEXT'],
    ['a negative key', -3n, 'INTEGER'],
    ['a fractional key', 1.5, 'REAL'],
  ])('refuses %s before writing anyone', async (_name, id, idType) => {
    const { from, to } = databases(`refused-${idType}-${String(id)}`, idType, [
      [1n, 'ada'],
      [id, 'eve'],
    ])
    const run = await tessera(['import-django-users', '--from', from, '--to', to])
    expect(run.stderr).toBe(
      `tessera: auth_user has the id "${String(id)}", not a positive integer key: the ` +
        "target table's id is an integer (a user model with UUID keys needs its own " +
        'import); nothing was imported\n',
    )
    expect(run.code).toBe(1)
    expect(imported(to)).toEqual([])
  })
})
