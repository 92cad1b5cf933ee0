import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore, type SessionStore } from '@tessera/core'
import { SqliteStore } from '@tessera/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { sessionCookie, testApp } from './app.js'
import { listen } from './server.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-hono-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const stores: [string, () => SessionStore][] = [
  ['memory', () => new MemoryStore()],
  [
    'sqlite',
    () =>
      new SqliteStore({
        path: join(dir, `sessions-${Math.random().toString(36).slice(2)}.sqlite3`),
      }),
  ],
]

describe.each(stores)('no lost writes over HTTP (%s store)', (_, makeStore) => {
  it('100 concurrent requests each setting a different key on one session all land', async () => {
    const { app } = testApp(makeStore())
    const server = await listen(app)
    try {
      const first = await fetch(`${server.url}/set/start`, { method: 'POST', body: '0' })
      const cookie = sessionCookie(first)
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          fetch(`${server.url}/set/k${i}`, {
            method: 'POST',
            body: String(i),
            headers: { cookie },
          }),
        ),
      )
      expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200))
      const data = (await (
        await fetch(`${server.url}/data`, { headers: { cookie } })
      ).json()) as Record<string, number>
      expect(Object.keys(data)).toHaveLength(101)
      for (let i = 0; i < 100; i++) expect(data[`k${i}`]).toBe(i)
    } finally {
      await server.close()
    }
  })
})

describe('credentials at rest', () => {
  it('the SQLite file never contains the cookie secret or the whole credential', async () => {
    const path = join(dir, 'at-rest.sqlite3')
    const store = new SqliteStore({ path })
    const { app } = testApp(store)
    const issued: string[] = []
    for (let i = 0; i < 20; i++) {
      const res = await app.request('/set/n', { method: 'POST', body: String(i) })
      issued.push(sessionCookie(res).split('=')[1] as string)
    }
    await store.close?.()
    const bytes = [path, `${path}-wal`]
      .map((p) => {
        try {
          return readFileSync(p).toString('latin1')
        } catch {
          return ''
        }
      })
      .join('')
    expect(bytes.length).toBeGreaterThan(0)
    for (const value of issued) {
      expect(bytes).not.toContain(value)
      expect(bytes).not.toContain(value.split('.')[1])
    }
  })
})
