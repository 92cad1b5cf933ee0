import { ConfigError, type SessionManager } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import { jwtSessionManager } from '../../../test-support/jwt-session-manager.js'

let manager: SessionManager
beforeAll(async () => {
  manager = await jwtSessionManager()
})

describe("session()'s jwks option for Hono", () => {
  it('answers GET and HEAD on the configured path with the public keys; everything else goes on', async () => {
    const app = new Hono<SessionEnv>()
    app.use(session(manager, { jwks: { path: '/keys.json', maxAge: 60 } }))
    app.all('*', (c) => c.text('next', 404))
    const res = await app.request('/keys.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.getSetCookie()).toEqual([])
    expect(await res.json()).toEqual(manager.jwks())
    expect((await app.request('/keys.json', { method: 'HEAD' })).status).toBe(200)
    expect(await (await app.request('/keys.json', { method: 'POST' })).text()).toBe('next')
    expect(await (await app.request('/.well-known/jwks.json')).text()).toBe('next')
  })

  it('refuses bad options at setup', () => {
    expect(() => session(manager, { jwks: { path: 'keys.json' } })).toThrow(ConfigError)
    expect(() => session(manager, { jwks: { maxAge: -1 } })).toThrow(
      'jwks: "maxAge" must be a whole number of seconds ≥ 0',
    )
  })
})
