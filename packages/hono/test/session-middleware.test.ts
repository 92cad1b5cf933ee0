import { MemoryStore } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { sessionCookie, testApp } from './app.js'

describe('session middleware', () => {
  it('sets the cookie, Vary: Cookie and Cache-Control: no-store when a session is created', async () => {
    const { app } = testApp(new MemoryStore())
    const res = await app.request('/set/theme', { method: 'POST', body: '"dark"' })
    expect(res.status).toBe(200)
    const cookie = res.headers.getSetCookie()[0] as string
    expect(cookie).toMatch(
      /^sessionid=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
    )
    expect(res.headers.get('vary')).toBe('Cookie')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const read = await app.request('/get/theme', { headers: { cookie: sessionCookie(res) } })
    expect(await read.json()).toEqual({ value: 'dark' })
    expect(read.headers.get('vary')).toBe('Cookie')
    expect(read.headers.getSetCookie()).toEqual([])
  })

  it('a route that never touches the session gets no session headers', async () => {
    const { app } = testApp(new MemoryStore())
    const res = await app.request('/static', { headers: { cookie: 'sessionid=whatever' } })
    expect(res.headers.get('vary')).toBeNull()
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('marks the cookie Secure over HTTPS', async () => {
    const { app } = testApp(new MemoryStore())
    const res = await app.request('https://app.example/set/a', { method: 'POST', body: '1' })
    expect(res.headers.getSetCookie()[0]).toMatch(/; Secure/)
  })

  it('ignores X-Forwarded-Proto unless the proxy is trusted', async () => {
    const { app } = testApp(new MemoryStore())
    const res = await app.request('/set/a', {
      method: 'POST',
      body: '1',
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(res.headers.getSetCookie()[0]).not.toMatch(/Secure/)
  })

  it('adds headers to responses whose headers are immutable', async () => {
    const { app } = testApp(new MemoryStore())
    const res = await app.request('/redirect')
    expect(res.status).toBe(302)
    expect(res.headers.getSetCookie()).toHaveLength(1)
  })

  it('flush clears the cookie with Max-Age=0 and the old cookie is dead', async () => {
    const { app } = testApp(new MemoryStore())
    const cookie = sessionCookie(await app.request('/set/user', { method: 'POST', body: '"ada"' }))
    const res = await app.request('/flush', { method: 'POST', headers: { cookie } })
    expect(res.headers.getSetCookie()[0]).toMatch(
      /^sessionid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/,
    )
    const replay = await app.request('/get/user', { headers: { cookie } })
    expect(await replay.json()).toEqual({ value: null })
  })
})
