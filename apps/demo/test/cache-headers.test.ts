import { describe, expect, it } from 'vitest'
import { Client } from './client.js'
import { ADAPTERS, demo } from './fixture.js'

/** The directives of a `Cache-Control` header, lower-cased. */
const directives = (res: Response) =>
  (res.headers.get('cache-control') ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean)

// ASVS 4.0.3 V8.2.1: per-user data carries anti-caching headers. Without Cache-Control a
// 200 is heuristically cacheable (RFC 9111 §4.2.2): a browser's disk cache keeps it
// after logout, and a shared cache that ignores `Vary: Cookie` hands it to the next user.
describe.each(ADAPTERS)('per-user API answers are never cached on %s', (adapter) => {
  it('a cookie session’s me, hello, sessions and cart answers are no-store', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    expect((await browser.request('/api/cart/', { json: { item: 'tile' } })).status).toBe(200)
    for (const path of ['/api/me/', '/api/hello/', '/api/sessions/', '/api/cart/']) {
      const res = await browser.request(path)
      expect(res.status, path).toBe(200)
      expect(directives(res), path).toContain('no-store')
    }
  })

  it('anonymous and refused answers are no-store too', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    for (const path of ['/api/me/', '/api/hello/', '/api/sessions/', '/api/nope/']) {
      const res = await browser.request(path)
      expect(directives(res), path).toContain('no-store')
    }
    const wrongMethod = await browser.request('/api/logout/')
    expect(wrongMethod.status).toBe(405)
    expect(directives(wrongMethod)).toContain('no-store')
  })
})
