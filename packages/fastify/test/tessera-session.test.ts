import {
  ConfigError,
  getCsrfToken,
  MemoryStore,
  Session,
  SessionManager,
  StoreError,
} from '@tessera/core'
import { tesseraSession } from '@tessera/fastify'
import Fastify, { type FastifyInstance } from 'fastify'
import { describe, expect, it, vi } from 'vitest'

const SECRET = 'fastify-test-secret-fastify-test-secret-01'

function sessionCookies(setCookie: string | string[] | undefined): string[] {
  const all = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]
  return all.filter((c) => c.startsWith('sessionid='))
}

async function app(
  setup: (app: FastifyInstance, manager: SessionManager) => void,
  store = new MemoryStore(),
): Promise<FastifyInstance> {
  const manager = new SessionManager({ store, secret: SECRET, storeTimeout: 100 })
  const fastify = Fastify()
  await fastify.register(tesseraSession, { manager, csrf: true })
  setup(fastify, manager)
  await fastify.ready()
  return fastify
}

describe('tesseraSession', () => {
  it('decorates every request with a session and a null user from the start', async () => {
    const fastify = await app((f) => {
      f.get('/shape', async (request) => ({
        session: request.session instanceof Session,
        user: request.user,
        own: Object.hasOwn(request, 'session') || 'session' in request,
      }))
    })
    expect(fastify.hasRequestDecorator('session')).toBe(true)
    expect(fastify.hasRequestDecorator('user')).toBe(true)
    const res = await fastify.inject('/shape')
    expect(res.json()).toEqual({ session: true, user: null, own: true })
    // Never touched: lazy, so no session header.
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(res.headers.vary).toBeUndefined()
  })

  it('reply.send and reply.redirect carry the session cookie next to the route’s own cookies', async () => {
    const fastify = await app((f) => {
      f.get('/send', async (request, reply) => {
        await request.session.set('a', 1)
        reply.header('set-cookie', 'theme=dark; Path=/').header('vary', 'Accept-Encoding')
        return reply.send({ ok: true })
      })
      f.get('/redirect', async (request, reply) => {
        await request.session.set('b', 2)
        return reply.redirect('/elsewhere', 303)
      })
    })
    const sent = await fastify.inject('/send')
    expect(sent.statusCode).toBe(200)
    expect(sent.headers['set-cookie']).toHaveLength(2)
    expect(sent.headers['set-cookie']?.[0]).toBe('theme=dark; Path=/')
    expect(sessionCookies(sent.headers['set-cookie'])).toHaveLength(1)
    expect(sent.headers.vary).toBe('Accept-Encoding, Cookie')
    expect(sent.headers['cache-control']).toBe('no-store')

    const redirected = await fastify.inject('/redirect')
    expect(redirected.statusCode).toBe(303)
    expect(redirected.headers.location).toBe('/elsewhere')
    expect(sessionCookies(redirected.headers['set-cookie'])).toHaveLength(1)
  })

  it('sets the signed CSRF secret and csrftoken cookies as two Set-Cookie values', async () => {
    const fastify = await app((f) => {
      f.get('/csrf', async (request) => ({ token: await getCsrfToken(request.session) }))
    })
    const res = await fastify.inject('/csrf')
    const cookies = res.headers['set-cookie'] as string[]
    expect(cookies).toHaveLength(2)
    // Anonymous: the secret is in a signed HttpOnly cookie, no session is stored.
    expect(cookies.some((c) => c.startsWith('sessionid_csrf=') && /httponly/i.test(c))).toBe(true)
    expect(cookies.some((c) => c.startsWith(`csrftoken=`) && !/httponly/i.test(c))).toBe(true)
  })

  it('a StoreError thrown by a route answers 503 JSON; the app’s error handler still runs', async () => {
    const seen = vi.fn()
    const fastify = await app((f) => {
      f.setErrorHandler(async (error, _request, reply) => {
        seen((error as Error).name)
        return reply.code(500).header('set-cookie', 'x=1').send({ mine: true })
      })
      f.get('/store', async () => {
        throw new StoreError('STORE_UNAVAILABLE', 'get')
      })
      f.get('/other', async () => {
        throw new Error('boom')
      })
    })
    const res = await fastify.inject('/store')
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['retry-after']).toBe('1')
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(res.json()).toEqual({ detail: 'Session store unavailable', code: 'STORE_UNAVAILABLE' })
    expect(seen).toHaveBeenCalledWith('StoreError')

    const other = await fastify.inject('/other')
    expect(other.statusCode).toBe(500)
    expect(other.json()).toEqual({ mine: true })
  })

  it('a StoreError while saving in onSend answers 503 JSON instead of the route’s answer', async () => {
    const store = new MemoryStore()
    const fastify = await app((f) => {
      f.post('/write', { config: { csrf: false } }, async (request) => {
        await request.session.set('a', 1)
        store.create = () => Promise.reject(new Error('ECONNREFUSED'))
        return { ok: true }
      })
    }, store)
    const res = await fastify.inject({ method: 'POST', url: '/write' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ detail: 'Session store unavailable', code: 'STORE_UNAVAILABLE' })
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('checks CSRF on unsafe routes unless config.csrf is false', async () => {
    const fastify = await app((f) => {
      f.post('/guarded', async () => ({ ok: true }))
      f.delete('/guarded', async () => ({ ok: true }))
      f.post('/hook', { config: { csrf: false } }, async () => ({ ok: true }))
    })
    for (const method of ['POST', 'DELETE'] as const) {
      const refused = await fastify.inject({ method, url: '/guarded' })
      expect(refused.statusCode).toBe(403)
      expect(refused.json()).toMatchObject({ code: 'CSRF_SESSION_TOKEN_MISSING' })
      expect(refused.headers['cache-control']).toBe('no-store')
    }
    expect((await fastify.inject({ method: 'POST', url: '/hook' })).statusCode).toBe(200)
  })

  it('a route asking for CSRF without the plugin option fails at startup', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const fastify = Fastify()
    await fastify.register(tesseraSession, { manager })
    expect(() => fastify.post('/x', { config: { csrf: true } }, async () => ({}))).toThrow(
      ConfigError,
    )
    await fastify.close()
  })
})
