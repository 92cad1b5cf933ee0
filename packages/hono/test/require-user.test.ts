import { type AuthUser, login, MemoryStore, SessionManager, type UserProvider } from '@tessera/core'
import { requireUser, type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { SECRET, sessionCookie } from './app.js'

const ada: AuthUser = { id: '7', username: 'ada', passwordHash: 'x' }
const users: UserProvider = {
  findByUsername: async (n) => (n === 'ada' ? ada : null),
  findById: async (id) => (id === '7' ? ada : null),
  replacePasswordHash: async () => true,
}

function app() {
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  const app = new Hono<SessionEnv>()
  app.use(session(manager))
  app.post('/login', async (c) => {
    await login(c.var.session, ada)
    return c.json({ token: await c.var.session.getSessionToken() })
  })
  app.get('/private', requireUser(users), (c) => c.json({ hello: c.var.user.username }))
  return app
}

describe('requireUser', () => {
  it('accepts a cookie session and a header-token session alike, refuses others with 401', async () => {
    const a = app()
    const res = await a.request('/login', { method: 'POST' })
    const { token } = (await res.json()) as { token: string }
    const cookie = sessionCookie(res)
    expect(await (await a.request('/private', { headers: { cookie } })).json()).toEqual({
      hello: 'ada',
    })
    expect(
      await (await a.request('/private', { headers: { 'x-session-token': token } })).json(),
    ).toEqual({ hello: 'ada' })
    const anonymous = await a.request('/private')
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toEqual({
      detail: 'Authentication credentials were not provided.',
    })
    expect((await a.request('/private', { headers: { 'x-session-token': 'nope' } })).status).toBe(
      401,
    )
  })
})
