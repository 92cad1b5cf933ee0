import type { SessionRecord } from '@tessera/core'
import { MemoryStore } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import {
  type AdapterSuiteContext,
  HTTPS,
  parseSetCookie,
  sessionSetCookies,
} from '../suite-context.js'

/** Every record in `store`. */
async function records(store: MemoryStore): Promise<SessionRecord[]> {
  const all: SessionRecord[] = []
  for await (const batch of store.scan()) all.push(...batch)
  return all
}

// A client's request as a TLS-terminating proxy passes it on: plain HTTP to the app,
// the client's scheme and address in X-Forwarded-Proto / X-Forwarded-For. The leftmost
// X-Forwarded-For entry is whatever the client wrote; the rightmost is what the proxy saw.
const VIA_PROXY = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.9, 203.0.113.7' }

/** `trustProxy` given once, to the session middleware, reaches every part. */
export function proxyCases(ctx: AdapterSuiteContext): void {
  describe('trustProxy given once', () => {
    it('marks the session cookie Secure and records the client address the proxy saw', async () => {
      const store = new MemoryStore()
      const app = await ctx.open({ store, trustProxy: true })
      const res = await app.send('/set/a', { json: 1, headers: VIA_PROXY })
      expect(res.status).toBe(200)
      const cookie = parseSetCookie(sessionSetCookies(res)[0] ?? '')
      expect(cookie.attributes.has('secure')).toBe(true)
      const [record] = await records(store)
      expect(record?.meta.ip).toBe('203.0.113.7')
    })

    it('lets a legitimate POST through CSRF with the https Origin the browser sent', async () => {
      const app = await ctx.open({ trustProxy: true })
      const visit = await app.send('/csrf-token', { headers: VIA_PROXY })
      const { csrfToken } = (await visit.json()) as { csrfToken: string }
      const cookie = visit.headers
        .getSetCookie()
        .find((c) => c.startsWith('sessionid_csrf='))
        ?.split(';')[0] as string
      const res = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { ...VIA_PROXY, origin: HTTPS, 'x-csrftoken': csrfToken },
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ ok: true })
    })

    it('makes the https site the one the shared-session routes answer for', async () => {
      const loader = '/shared-session/loader.json'
      const trusted = await (await ctx.open({ trustProxy: true })).send(loader, {
        headers: VIA_PROXY,
      })
      expect(trusted.status).toBe(200)
      expect(trusted.headers.get('referrer-policy')).toBe('no-referrer')
      expect(await trusted.json()).toHaveProperty('scripts')
      // Without trustProxy the request is plain http://adapter.test, not a configured site.
      const ignored = await (await ctx.open()).send(loader, { headers: VIA_PROXY })
      expect(ignored.headers.get('referrer-policy')).toBeNull()
    })

    it('without trustProxy the forwarded headers are ignored', async () => {
      const store = new MemoryStore()
      const app = await ctx.open({ store })
      const res = await app.send('/set/a', { json: 1, headers: VIA_PROXY })
      const cookie = parseSetCookie(sessionSetCookies(res)[0] ?? '')
      expect(cookie.attributes.has('secure')).toBe(false)
      const [record] = await records(store)
      expect(record?.meta.ip).not.toBe('203.0.113.7')
      expect(record?.meta.ip).not.toBe('198.51.100.9')
    })
  })
}
