import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyring, publicSessionId, type SessionRecord } from '@tessera/core'
import { SqliteRateLimitStore, SqliteStore } from '@tessera/store-sqlite'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onPath } from '../../../test-support/require-service.js'
import { lines, TESSERA_BIN, tessera } from './support/run-tessera.js'
import { expiredRecords, liveRecord, SECRET } from './support/seed.js'

const keys = new Keyring(SECRET)
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cli-sqlite-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

let files = 0
/** A fresh database file with the store's table, and a store on it. */
async function freshStore(table = 'tessera_sessions') {
  const file = join(dir, `sessions-${++files}.sqlite3`)
  const store = new SqliteStore({ path: file, table })
  await store.get('init') // creates the table and its indexes
  return { file, store, url: `sqlite:${file}` }
}

/** Bulk insert through the driver, one transaction: 100,000 rows in well under a second. */
function insertRaw(
  file: string,
  records: Iterable<SessionRecord>,
  table = 'tessera_sessions',
): void {
  const db = new Database(file)
  const insert = db.prepare(
    `INSERT INTO "${table}" (id, user_id, expires_at, version, record) VALUES (?, ?, ?, ?, ?)`,
  )
  db.transaction(() => {
    for (const r of records) {
      insert.run(
        r.id,
        r.userId,
        Math.min(r.idleExpiresAt, r.absoluteExpiresAt),
        r.version,
        JSON.stringify(r),
      )
    }
  })()
  db.close()
}

function count(file: string): number {
  const db = new Database(file, { readonly: true })
  const n = db.prepare('SELECT count(*) FROM tessera_sessions').pluck().get() as number
  db.close()
  return n
}

describe('tessera on SQLite (the real binary)', () => {
  it('clearsessions deletes 100,000 expired sessions, reports the count, and keeps the live ones', async () => {
    const { file, store, url } = await freshStore()
    insertRaw(file, expiredRecords(100_000))
    const live = [liveRecord('alice'), liveRecord('bob'), liveRecord(null, { userAgent: 'curl/8' })]
    for (const r of live) expect(await store.create(r)).toBe(true)
    await store.close()
    expect(count(file)).toBe(100_003)

    const run = await tessera(['clearsessions', '--store', url])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(
      `deleted 100000 expired sessions from ${url} (table tessera_sessions)\n`,
    )
    // Not a terminal: plain progress lines, one per tenth, ending at 100%.
    const progress = lines(run.stderr)
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress.length).toBeLessThanOrEqual(10)
    expect(progress.at(-1)).toMatch(/^deleting expired sessions \[#{30}\] 100% 100000\/100000$/)
    expect(count(file)).toBe(3)

    const reopened = new SqliteStore({ path: file })
    for (const r of live) expect(await reopened.get(r.id)).toEqual(r)
    await reopened.close()

    const again = await tessera(['clearsessions', '--store', url])
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(`deleted 0 expired sessions from ${url} (table tessera_sessions)\n`)
    expect(again.stderr).toBe('')
    // 100,000 rows through a real process: generous on a loaded 2-core machine.
  }, 120_000)

  it('clearsessions also deletes the login-throttle counters whose window ended', async () => {
    // The demo keeps SqliteRateLimitStore's table in the sessions file: one row per
    // username (and per username and client) ever tried, so nothing else bounds it.
    const { file, store, url } = await freshStore()
    await store.close()
    const limits = new SqliteRateLimitStore({ path: file })
    const now = Date.now()
    for (let i = 0; i < 30; i++) await limits.reserve(`ended${i}`, 5, 900_000, now - 3_600_000)
    for (let i = 0; i < 2; i++) await limits.reserve(`live${i}`, 5, 900_000, now)
    await limits.close()
    const counters = () => {
      const db = new Database(file, { readonly: true })
      const n = db.prepare('SELECT count(*) FROM tessera_rate_limits').pluck().get() as number
      db.close()
      return n
    }
    expect(counters()).toBe(32)

    const run = await tessera(['clearsessions', '--store', url])
    expect(run.code).toBe(0)
    expect(counters()).toBe(2)
    expect(run.stdout).toBe(
      `deleted 0 expired sessions from ${url} (table tessera_sessions)\n` +
        `deleted 30 ended login-throttle counters (table tessera_rate_limits)\n`,
    )
  })

  it('clearsessions runs without importing jose; only the key commands load it', async () => {
    const { file, store, url } = await freshStore()
    await store.close()
    insertRaw(file, expiredRecords(10))
    // Preloaded into the binary's Node: fails every import of jose.
    const refuseJose = new URL('../../../test-support/refuse-jose.mjs', import.meta.url)
    const env = { NODE_OPTIONS: `--import=${refuseJose.href}` }
    const cleared = await tessera(['clearsessions', '--store', url], { env })
    expect(cleared.stdout).toBe(
      `deleted 10 expired sessions from ${url} (table tessera_sessions)\n`,
    )
    expect(cleared.code).toBe(0)
    const generated = await tessera(
      ['keys', 'generate', '--alg', 'EdDSA', '--out', join(dir, 'k.json')],
      { env },
    )
    expect(generated.stderr).toContain('jose was imported')
    expect(generated.code).not.toBe(0)
  })

  // util-linux `script` runs the binary on a pseudo-terminal, as an operator's shell would.
  it.skipIf(!onPath('script'))(
    'on a terminal, clearsessions draws one progress bar in place',
    async () => {
      const { file, store, url } = await freshStore()
      await store.close()
      insertRaw(file, expiredRecords(5000))
      const command = [TESSERA_BIN, 'clearsessions', '--store', url].map((a) => `'${a}'`).join(' ')
      const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
        execFile(
          'script',
          ['-q', '-e', '-c', command, '/dev/null'],
          { timeout: 60_000 },
          (error, stdout) =>
            resolve({
              code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
              out: stdout,
            }),
        )
      })
      expect(run.code).toBe(0)
      const bar = `deleting expired sessions [${'#'.repeat(30)}] 100% 5000/5000`
      // Redrawn with a carriage return and erase-to-end-of-line, ended by one newline.
      expect(run.out).toContain(`\r${bar}\x1b[K\r\n`)
      expect(run.out).toContain(`deleted 5000 expired sessions from ${url}`)
      expect(run.out).not.toMatch(/^deleting expired sessions .*\r?\n(?!deleted)/m)
      expect(count(file)).toBe(0)
    },
  )

  it('sessions list: public ids with the secret, a table or JSON Lines, only live sessions, --user', async () => {
    const { file, store, url } = await freshStore('web_sessions')
    const alice1 = liveRecord('alice', { userAgent: 'Firefox/140', ip: '203.0.113.7' }, 120_000)
    const alice2 = liveRecord('alice', { userAgent: 'Safari/18', ip: '2001:db8::1' }, 60_000)
    const bob = liveRecord('bob')
    for (const r of [alice1, alice2, bob]) await store.create(r)
    await store.close()
    insertRaw(file, expiredRecords(50, 2), 'web_sessions')
    const ids = new Map<string, SessionRecord>()
    for (const r of [alice1, alice2, bob]) ids.set(await publicSessionId(keys, r.id), r)

    const json = await tessera(
      ['sessions', 'list', '--store', url, '--table', 'web_sessions', '--json'],
      {
        env: { TESSERA_SECRET: SECRET },
      },
    )
    expect(json.code).toBe(0)
    expect(json.stderr).toBe(`3 live sessions in ${url} (table web_sessions)\n`)
    const rows = lines(json.stdout).map((line) => JSON.parse(line))
    expect(rows).toHaveLength(3)
    for (const row of rows) {
      const record = ids.get(row.id) as SessionRecord
      expect(record).toBeDefined()
      expect(row).toEqual({
        id: row.id,
        user: record.userId,
        createdAt: new Date(record.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        lastSeenAt: new Date(record.lastSeenAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        expiresAt: new Date(record.idleExpiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        userAgent: record.meta.userAgent ?? null,
        ip: record.meta.ip ?? null,
      })
    }
    // Nothing of the store id or the credentials is printed.
    for (const r of [alice1, alice2, bob]) {
      expect(json.stdout).not.toContain(r.id)
      expect(json.stdout).not.toContain(r.credentials.cookie)
    }

    const table = await tessera(
      ['sessions', 'list', '--user', 'alice', '--store', url, '--table', 'web_sessions'],
      {
        env: { TESSERA_SECRET: SECRET },
      },
    )
    expect(table.code).toBe(0)
    const [header, first, second, ...more] = lines(table.stdout)
    expect(more).toEqual([])
    expect(header).toMatch(/^ID +USER +CREATED +LAST SEEN +EXPIRES +IP +USER AGENT$/)
    // Most recently seen first.
    expect(first).toMatch(
      new RegExp(`^${await publicSessionId(keys, alice2.id)}  alice .*2001:db8::1 +Safari/18$`),
    )
    expect(second).toMatch(
      new RegExp(
        `^${await publicSessionId(keys, alice1.id)}  alice .*203\\.0\\.113\\.7 +Firefox/140$`,
      ),
    )
    expect(table.stderr).toBe(`2 live sessions of that user in ${url} (table web_sessions)\n`)
  })

  it('sessions list without the secret says so and shows no ids; --secret-file works as TESSERA_SECRET', async () => {
    const { store, url } = await freshStore()
    const record = liveRecord('carol')
    await store.create(record)
    await store.close()
    const bare = await tessera(['sessions', 'list', '--store', url, '--json'])
    expect(bare.code).toBe(0)
    expect(JSON.parse(bare.stdout).id).toBeNull()
    expect(lines(bare.stderr)[0]).toMatch(
      /^note: no TESSERA_SECRET or --secret-file, so no public session ids are shown/,
    )

    const secretFile = join(dir, 'secret')
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 })
    const withFile = await tessera([
      'sessions',
      'list',
      '--store',
      url,
      '--json',
      '--secret-file',
      secretFile,
    ])
    expect(JSON.parse(withFile.stdout).id).toBe(await publicSessionId(keys, record.id))
  })

  it('sessions list prints attacker-chosen user agents and user ids terminal-safe', async () => {
    const { store, url } = await freshStore()
    await store.create(
      liveRecord('eve\x1b]0;pwned\x07', {
        userAgent: 'x\x1b[2J\rroot  admin\u202e',
        ip: '10.0.0.1\n',
      }),
    )
    await store.close()
    const run = await tessera(['sessions', 'list', '--store', url])
    expect(run.code).toBe(0)
    const controls = [...run.stdout].filter(
      (c) => c !== '\n' && (c < ' ' || c === '\x7f' || c === '\u202e'),
    )
    expect(controls).toEqual([])
    expect(run.stdout).toContain('eve\\u001b]0;pwned\\u0007')
    expect(run.stdout).toContain('x\\u001b[2J\\u000droot  admin\\u202e')
    expect(lines(run.stdout)).toHaveLength(2)
  })

  it('sessions revoke <publicId> ends that session only; an unknown id exits 1; --user ends all of a user’s', async () => {
    const { file, store, url } = await freshStore()
    const alice1 = liveRecord('alice')
    const alice2 = liveRecord('alice')
    const alice3 = liveRecord('alice')
    const bob = liveRecord('bob')
    for (const r of [alice1, alice2, alice3, bob]) await store.create(r)
    await store.close()
    const env = { TESSERA_SECRET: SECRET }
    const target = await publicSessionId(keys, alice1.id)

    const one = await tessera(['sessions', 'revoke', target, '--store', url], { env })
    expect(one.code).toBe(0)
    expect(one.stdout).toBe(
      `revoked 1 session (${target}, user alice) in ${url} (table tessera_sessions)\n`,
    )

    const again = await tessera(['sessions', 'revoke', target, '--store', url], { env })
    expect(again.code).toBe(1)
    expect(again.stderr).toBe(
      `tessera: no live session has the public id ${target} in ${url} (table tessera_sessions)\n`,
    )

    // With --user, only that user's sessions are searched: bob's id is not found under alice.
    const bobId = await publicSessionId(keys, bob.id)
    const wrongUser = await tessera(
      ['sessions', 'revoke', bobId, '--user', 'alice', '--store', url],
      { env },
    )
    expect(wrongUser.code).toBe(1)
    const scoped = await tessera(
      [
        'sessions',
        'revoke',
        await publicSessionId(keys, alice2.id),
        '--user',
        'alice',
        '--store',
        url,
      ],
      { env },
    )
    expect(scoped.code).toBe(0)

    const all = await tessera(['sessions', 'revoke', '--user', 'alice', '--store', url])
    expect(all.code).toBe(0)
    expect(all.stdout).toBe(`revoked 1 session of user alice in ${url} (table tessera_sessions)\n`)
    const none = await tessera(['sessions', 'revoke', '--user', 'alice', '--store', url])
    expect(none.stdout).toBe(
      `revoked 0 sessions of user alice in ${url} (table tessera_sessions)\n`,
    )

    const check = new SqliteStore({ path: file })
    for (const r of [alice1, alice2, alice3]) expect(await check.get(r.id)).toBeNull()
    expect(await check.get(bob.id)).toEqual(bob)
    await check.close()
  })

  it('sessions revoke takes a public id that starts with "-" as the id, never as options', async () => {
    const { store, url } = await freshStore()
    // One public id in 64 starts with "-" (base64url): make sessions until one does.
    let dashed: { record: SessionRecord; id: string } | undefined
    while (!dashed) {
      const record = liveRecord('carol')
      const id = await publicSessionId(keys, record.id)
      if (id.startsWith('-')) dashed = { record, id }
    }
    await store.create(dashed.record)
    await store.close()
    const run = await tessera(['sessions', 'revoke', dashed.id, '--store', url], {
      env: { TESSERA_SECRET: SECRET },
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(
      `revoked 1 session (${dashed.id}, user carol) in ${url} (table tessera_sessions)\n`,
    )
  })

  it('a missing table is a failure naming --table, and is not created', async () => {
    const { file, url } = await freshStore()
    const run = await tessera(['sessions', 'list', '--store', url, '--table', 'other_sessions'])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`tessera: no table "other_sessions" in ${file} (another --table?)\n`)
    const db = new Database(file, { readonly: true })
    expect(
      db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'other_sessions'`).pluck().get(),
    ).toBe(0)
    db.close()
  })
})
