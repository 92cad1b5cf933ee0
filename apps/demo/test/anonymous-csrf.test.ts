import type { SessionStore } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { Client } from './client.js'
import { ADAPTERS, demo } from './fixture.js'

/** Rows in the session store, counted through its public `scan`. */
async function rows(store: SessionStore): Promise<number> {
  let n = 0
  for await (const page of store.scan?.() ?? []) n += page.length
  return n
}

const code = async (res: Response) => ((await res.json()) as { code?: string }).code

describe.each(ADAPTERS)('anonymous CSRF fetches store nothing, on %s', (adapter) => {
  it('1,000 anonymous GET /api/csrf/ create no row; logging in with such a token works', async () => {
    const { app, store } = await demo(adapter)
    for (let i = 0; i < 1000; i++) {
      const visitor = new Client(app)
      expect((await visitor.request('/api/csrf/')).status).toBe(200)
      expect(visitor.cookie('sessionid')).toBeUndefined()
      expect(visitor.cookie('sessionid_csrf')).toMatch(/^[a-zA-Z0-9]{32}\.[\w-]{43}$/)
    }
    expect(await rows(store)).toBe(0)

    const browser = new Client(app)
    await browser.request('/api/csrf/')
    const preLogin = browser.cookie('csrftoken') as string
    const login = await browser.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
    })
    expect(login.status).toBe(200)
    expect(await rows(store)).toBe(1)
    // The secret moved into the new session, rotated; the signed cookie is cleared.
    expect(browser.cookie('sessionid_csrf')).toBeUndefined()
    expect(browser.cookie('csrftoken')).not.toBe(preLogin)

    // The pre-login token is refused after login (SECURITY.md), the rotated one works.
    const stale = await browser.request('/api/logout/', {
      method: 'POST',
      headers: { 'x-csrftoken': preLogin },
    })
    expect(stale.status).toBe(403)
    expect(await code(stale)).toBe('CSRF_TOKEN_INCORRECT')
    expect((await browser.request('/api/logout/', { method: 'POST' })).status).toBe(200)
    expect(await rows(store)).toBe(0)
  })

  it("another browser's token fails; a token request still creates its session", async () => {
    const { app, store } = await demo(adapter)
    const attacker = new Client(app)
    await attacker.request('/api/csrf/')
    const victim = new Client(app)
    await victim.request('/api/csrf/')
    const forged = await victim.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
      headers: { 'x-csrftoken': attacker.cookie('csrftoken') as string },
    })
    expect(forged.status).toBe(403)
    expect(await code(forged)).toBe('CSRF_TOKEN_INCORRECT')
    expect(await rows(store)).toBe(0)

    const cookieless = new Client(app)
    const token = await cookieless.request('/api/session-token/')
    expect(token.status).toBe(200)
    expect(await rows(store)).toBe(1)
  })
})
