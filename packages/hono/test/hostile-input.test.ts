import { MemoryStore } from '@tessera/core'
import { hostileCookieHeader } from '@tessera/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sessionCookie, testApp } from './app.js'

describe('hostile cookie headers', () => {
  const { app } = testApp(new MemoryStore())
  let live = ''

  it('never throw and never produce a 5xx (fast-check)', async () => {
    live = sessionCookie(await app.request('/set/a', { method: 'POST', body: '1' }))
    const cookieHeader = hostileCookieHeader(live)
    await fc.assert(
      fc.asyncProperty(
        cookieHeader,
        fc.constantFrom('/get/a', '/set/b', '/data'),
        async (cookie, path) => {
          const res = await app.request(path, {
            method: path.startsWith('/set') ? 'POST' : 'GET',
            body: path.startsWith('/set') ? '1' : undefined,
            headers: { cookie },
          })
          expect(res.status).toBeLessThan(500)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it.each([
    ['100 KB cookie', `sessionid=${'A'.repeat(100_000)}`],
    ['control characters', 'sessionid=\u0001\u0002\u007f'],
    ['empty value', 'sessionid='],
    ['duplicate names', 'sessionid=x; sessionid=y'],
    ['unicode space before the name', '\u00a0sessionid=x'],
  ])('%s gives an anonymous session, not an error', async (_, cookie) => {
    const res = await app.request('/get/a', { headers: { cookie } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ value: null })
  })

  it('duplicate session cookies: the first one counts (RFC 6265 §5.4 order)', async () => {
    const res = await app.request('/get/a', {
      headers: { cookie: `${live}; sessionid=${'A'.repeat(22)}.${'B'.repeat(43)}` },
    })
    expect(await res.json()).toEqual({ value: 1 })
  })

  it('a credential in the query string is ignored', async () => {
    const res = await app.request(
      `/get/a?sessionid=${live.split('=')[1]}&sid=${live.split('=')[1]}`,
    )
    expect(await res.json()).toEqual({ value: null })
  })
})
