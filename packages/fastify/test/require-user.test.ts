import { type AuthUser, login, MemoryStore, SessionManager, type UserProvider } from '@tessera/core'
import { requireUser, tesseraSession } from '@tessera/fastify'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'

const ada: AuthUser = { id: '7', username: 'ada', passwordHash: 'x' }
const users: UserProvider = {
  findByUsername: async (n) => (n === 'ada' ? ada : null),
  findById: async (id) => (id === '7' ? ada : null),
  replacePasswordHash: async () => true,
}

describe('requireUser', () => {
  it('lets a logged-in session through with request.user, answers others 401', async () => {
    const manager = new SessionManager({
      store: new MemoryStore(),
      secret: 'fastify-test-secret-fastify-test-secret-01',
    })
    const app = Fastify()
    await app.register(tesseraSession, { manager })
    app.post('/login', async (request) => {
      await login(request.session, ada)
      return { token: await request.session.getSessionToken() }
    })
    app.get('/private', { preHandler: requireUser(users) }, async (request) => ({
      hello: request.user?.username,
    }))

    const anonymous = await app.inject('/private')
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.headers['www-authenticate']).toBe('Session')
    expect(anonymous.json()).toEqual({ detail: 'Authentication credentials were not provided.' })

    const { token } = (await app.inject({ method: 'POST', url: '/login' })).json() as {
      token: string
    }
    const byToken = await app.inject({ url: '/private', headers: { 'x-session-token': token } })
    expect(byToken.statusCode).toBe(200)
    expect(byToken.json()).toEqual({ hello: 'ada' })
    await app.close()
  })
})
