import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { tessera } from '../../../packages/cli/test/support/run-tessera.js'
import { startDemoProcess } from '../../../test-support/demo-process.js'
import {
  createDjangoUsers,
  type DjangoDatabase,
  type DjangoUserSpec,
  djangoMissing,
} from '../../../test-support/django-project.js'
import { probePostgres } from '../../../test-support/postgres-probe.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { SqliteUsers } from '../src/users.js'
import { Client } from './client.js'

// `tessera import-django-users` against databases Django itself made (Debian's
// python3-django: migrate, then users through django.contrib.auth), then a login through
// the demo's HTTP API with the old password, which upgrades the stored hash to scrypt.

const PG_URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const djangoGate = serviceGate('django', djangoMissing(false) === '', djangoMissing(false))
const pgReason = djangoGate.skip ? '' : djangoMissing(true) || (await probePostgres(PG_URL)) || ''
const pgGate = serviceGate('postgresql+django', pgReason === '', pgReason)

const dir = mkdtempSync(join(tmpdir(), 'tessera-django-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const USERS: DjangoUserSpec[] = [
  { username: 'ada', password: 'old Django password 1' }, // Django's default: pbkdf2_sha256
  { username: 'bert', password: 'sha1 era password', hasher: 'pbkdf2_sha1' },
  { username: 'cleo', password: 'inactive password', isActive: false },
  { username: 'dora', password: null }, // set_unusable_password()
  {
    username: 'eve',
    password: null,
    rawHash: 'argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
  },
]

async function importAndLogIn(database: DjangoDatabase, from: string) {
  const stored = createDjangoUsers(dir, database, USERS)
  expect(stored.ada).toMatch(/^pbkdf2_sha256\$\d+\$/)
  expect(stored.bert).toMatch(/^pbkdf2_sha1\$/)
  expect(stored.dora?.startsWith('!')).toBe(true)

  const dataDir = mkdtempSync(join(dir, 'data-'))
  const appDb = join(dataDir, 'app.sqlite3')
  new SqliteUsers(appDb).close() // the demo's users table, empty (no admin yet)
  const args = [
    'import-django-users',
    '--from',
    from,
    '--to',
    appDb,
    ...('postgres' in database ? ['--from-table', `${database.postgres.schema}.auth_user`] : []),
  ]
  const run = await tessera(args)
  expect(run.stderr).toContain(
    'not imported, argon2 hashes are not supported (1, need a password reset): eve',
  )
  expect(run.stdout).toMatch(
    /^imported 4 users from .* \(.*auth_user\) into sqlite:.* \(users\)\n$/,
  )
  expect(run.code).toBe(0)
  // Run again: nothing is imported twice, nothing is overwritten.
  const again = await tessera(args)
  expect(again.stderr).toContain('already there, left as they are (4): ada, bert, cleo, dora')
  expect(again.stdout).toMatch(/^imported 0 users /)

  const hashOf = (username: string) => {
    const db = new Database(appDb, { readonly: true })
    try {
      return db.prepare('SELECT password FROM users WHERE username = ?').pluck().get(username)
    } finally {
      db.close()
    }
  }
  expect(hashOf('ada')).toBe(stored.ada)

  const demo = await startDemoProcess({ DATA_DIR: dataDir }, 120_000)
  try {
    expect(demo.output()).not.toContain('Created the demo user admin')
    const client = () => new Client({ request: (url, init) => fetch(url, init) }, demo.url)
    expect((await client().login('ada', 'wrong password')).status).toBe(401)
    const ada = client()
    const res = await ada.login('ada', 'old Django password 1')
    expect(res.status).toBe(200)
    // Django's id, kept: rows of the app that point to a user still point to the right one.
    expect(await res.json()).toMatchObject({ user: { id: '1', username: 'ada' } })
    expect(hashOf('ada')).toMatch(/^scrypt\$/)
    expect((await ada.request('/api/hello/')).status).toBe(200)
    // The upgraded hash still takes the same password.
    expect((await client().login('ada', 'old Django password 1')).status).toBe(200)
    expect((await client().login('bert', 'sha1 era password')).status).toBe(200)
    expect(hashOf('bert')).toMatch(/^scrypt\$/)
    // is_active = False and unusable passwords stay locked out, as in Django.
    expect((await client().login('cleo', 'inactive password')).status).toBe(401)
    expect(hashOf('cleo')).toBe(stored.cleo)
    expect((await client().login('dora', '!')).status).toBe(401)
    expect((await client().login('eve', 'anything')).status).toBe(401)
  } finally {
    await demo.stop()
  }
}

describe.skipIf(djangoGate.skip)(
  'tessera import-django-users from a Django-made SQLite database',
  () => {
    it('imports auth_user with its hashes; the users log in through the demo with their old passwords and are re-hashed with scrypt', async () => {
      const file = join(dir, 'django.sqlite3')
      await importAndLogIn({ sqlite: file }, `sqlite:${file}`)
    })
  },
)

describe.skipIf(djangoGate.skip || pgGate.skip)(
  'tessera import-django-users from a Django-made PostgreSQL database',
  () => {
    it('imports auth_user from its schema; the users log in with their old passwords and are re-hashed', async () => {
      const schema = `django_${process.pid}_${Date.now()}`
      const admin = new pg.Client({ connectionString: PG_URL })
      await admin.connect()
      try {
        await admin.query(`CREATE SCHEMA ${schema}`)
        await importAndLogIn({ postgres: { schema } }, PG_URL)
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await admin.end()
      }
    })
  },
)
