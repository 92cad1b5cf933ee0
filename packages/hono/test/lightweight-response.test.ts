import { request as httpRequest } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { getCsrfToken, MemoryStore, SessionManager } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import fc from 'fast-check'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, sessionCookie } from './app.js'
import { listen } from './server.js'

// @hono/node-server swaps the global Response for its lightweight class when it makes a
// listener, as serve() does.
getRequestListener(() => new Response(null))

/** What each request does to its session before the handler answers. */
type Touch = 'none' | 'read' | 'write' | 'csrf' | 'write+csrf'

/** A handler's answer: status, body and a plain headers object. */
interface Answer {
  status: number
  body: string | null
  headers: Record<string, string> | undefined
}

/**
 * An app whose one route touches the session as `x-touch` says and answers the `Answer`
 * set for the request as a lightweight `Response`. With `x-web`, a middleware between the
 * session's and the handler reads `c.res.headers` on the way out, which turns the
 * lightweight response's headers into Web `Headers`: the session's headers then go
 * through `Headers`, as on any other runtime.
 */
function answeringApp() {
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  const app = new Hono<SessionEnv>()
  const answers = new Map<string, Answer>()
  app.use(session(manager, { csrf: true }))
  app.use(async (c, next) => {
    await next()
    if (c.req.header('x-web') !== undefined) expect(c.res.headers).toBeInstanceOf(Headers)
  })
  app.get('/answer/:id', async (c) => {
    const touch = c.req.header('x-touch') as Touch
    if (touch === 'read') await c.var.session.get('n')
    if (touch === 'write' || touch === 'write+csrf') await c.var.session.set('n', 1)
    if (touch === 'csrf' || touch === 'write+csrf') await getCsrfToken(c.var.session)
    const answer = answers.get(c.req.param('id')) as Answer
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  })
  return { app, answers }
}

const headerName = fc.oneof(
  fc.constantFrom('Vary', 'vary', 'VARY', 'Set-Cookie', 'set-cookie', 'Cache-Control'),
  fc.constantFrom('content-type', 'Content-Type', 'x-a', 'X-B', 'etag', 'accept-ranges'),
)
const headerValue = fc.oneof(
  fc.constantFrom('Cookie', 'cookie', '*', 'Accept-Encoding', 'Origin, Cookie', 'a=b; Path=/'),
  fc.stringMatching(/^[ \t]?[!-~]([ !-~]{0,20}[!-~])?[ \t]?$/),
)
const answers: fc.Arbitrary<Answer> = fc.record({
  status: fc.constantFrom(200, 201, 404, 409),
  body: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
  headers: fc.option(fc.dictionary(headerName, headerValue, { maxKeys: 4 }), { nil: undefined }),
})
const touches = fc.constantFrom<Touch>('none', 'read', 'write', 'csrf', 'write+csrf')

describe('the session headers on @hono/node-server lightweight responses', () => {
  it('are the headers the same answer gets through Web Headers, for any answer and session use', async () => {
    const { app, answers: table } = answeringApp()
    table.set('login', { status: 200, body: 'x', headers: undefined })
    let n = 0
    await fc.assert(
      fc.asyncProperty(answers, touches, async (answer, touch) => {
        const id = String(n++)
        // Each run on a new session of its own: a CSRF token or a write changes it.
        const run = async (web: boolean) => {
          const login = await app.request('/answer/login', { headers: { 'x-touch': 'write' } })
          const cookie = sessionCookie(login)
          table.set(id, structuredClone(answer))
          const headers: Record<string, string> = { cookie, 'x-touch': touch }
          if (web) headers['x-web'] = '1'
          const res = await app.request(`/answer/${id}`, { headers })
          // Cookie values and expiry differ between any two responses: compare names.
          const sent = [...res.headers].map(([name, value]) =>
            name === 'set-cookie' ? [name, value.replace(/=.*/, '=…')] : [name, value],
          )
          return { status: res.status, headers: sent, body: await res.text() }
        }
        expect(await run(false)).toEqual(await run(true))
      }),
      { numRuns: 300 },
    )
  })

  it("leave a c.json() answer on @hono/node-server's plain-object path", async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const app = new Hono<SessionEnv>()
    app.use(session(manager))
    app.post('/login', async (c) => {
      await c.var.session.set('user', 'ada')
      return c.json({ ok: true })
    })
    app.get('/me', async (c) => c.json({ user: await c.var.session.get('user') }))
    const login = await app.request('/login', { method: 'POST' })
    const res = await app.request('/me', { headers: { cookie: sessionCookie(login) } })
    // The lightweight class keeps [status, body, headers] under its own symbol until
    // something reads `headers`; a plain object there is what it writes without Headers.
    const symbol = Object.getOwnPropertySymbols(res).find((s) => s.description === 'cache')
    expect(symbol).toBeDefined()
    const [status, body, headers] = (res as never)[symbol as symbol] as [number, string, object]
    expect([status, body]).toEqual([200, '{"user":"ada"}'])
    expect(headers).not.toBeInstanceOf(Headers)
    expect(headers).toEqual({ 'Content-Type': 'application/json', vary: 'Cookie' })
  })

  it('do not change a headers object the handler reuses', async () => {
    const shared = { 'content-type': 'text/plain' }
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const app = new Hono<SessionEnv>()
    app.use(session(manager))
    app.get('/', async (c) => {
      await c.var.session.set('seen', true)
      return new Response('hi', { headers: shared })
    })
    const res = await app.request('/')
    expect(res.headers.get('vary')).toBe('Cookie')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(shared).toEqual({ 'content-type': 'text/plain' })
  })

  it('are seen by a middleware outside the session one, through headers, clone() and body', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const app = new Hono<SessionEnv>()
    const seen: string[] = []
    app.use(async (c, next) => {
      await next()
      const copy = c.res.clone()
      seen.push(`${copy.headers.get('vary')} ${await copy.text()}`)
      seen.push(`${c.res.headers.get('vary')} ${c.res.headers.get('cache-control')}`)
    })
    app.use(session(manager))
    app.get('/', async (c) => {
      await c.var.session.set('seen', true)
      return c.json({ ok: true })
    })
    const server = await listen(app)
    try {
      const res = await fetch(`${server.url}/`)
      expect(await res.json()).toEqual({ ok: true })
      expect(res.headers.get('vary')).toBe('Cookie')
      expect(seen).toEqual(['Cookie {"ok":true}', 'Cookie no-store'])
    } finally {
      await server.close()
    }
  })

  describe('on the wire', () => {
    let server: { url: string; close: () => Promise<void> }
    let cookie: string
    beforeAll(async () => {
      const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
      const app = new Hono<SessionEnv>()
      app.use(session(manager))
      app.post('/login', async (c) => {
        await c.var.session.set('user', 'ada')
        return c.text('in')
      })
      app.get('/json', async (c) => c.json({ user: await c.var.session.get('user') }))
      app.get('/text', async (c) => c.text(String(await c.var.session.get('user'))))
      app.get('/empty', async (c) => {
        await c.var.session.get('user')
        return c.body(null, 204)
      })
      app.get('/own-cookie', async (c) => {
        await c.var.session.set('theme', 'dark')
        return new Response('ok', { headers: { 'Set-Cookie': 'theme=dark; Path=/' } })
      })
      app.get('/own-vary', async (c) => {
        await c.var.session.get('user')
        return c.text('v', 200, { Vary: 'Accept-Encoding' })
      })
      server = await listen(app)
      const res = await fetch(`${server.url}/login`, { method: 'POST' })
      cookie = res.headers.getSetCookie()[0]?.split(';')[0] as string
    })
    afterAll(() => server.close())

    /** The raw header lines Node received, in order, and the body. */
    function get(path: string): Promise<{ status: number; lines: string[]; body: string }> {
      return new Promise((resolve, reject) => {
        const req = httpRequest(`${server.url}${path}`, { headers: { cookie } }, (res) => {
          const lines: string[] = []
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = (res.rawHeaders[i] as string).toLowerCase()
            if (name !== 'date' && name !== 'connection' && name !== 'keep-alive') {
              lines.push(`${name}: ${res.rawHeaders[i + 1]}`)
            }
          }
          let body = ''
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString()
          })
          res.on('end', () => resolve({ status: res.statusCode as number, lines, body }))
        })
        req.on('error', reject)
        req.end()
      })
    }

    it('a JSON read carries Vary: Cookie, its type and its length, and no cookie', async () => {
      const res = await get('/json')
      expect(res.body).toBe('{"user":"ada"}')
      expect(res.lines.sort()).toEqual([
        'content-length: 14',
        'content-type: application/json',
        'vary: Cookie',
      ])
    })

    it('a text read keeps the default text type', async () => {
      const res = await get('/text')
      expect(res.body).toBe('ada')
      expect(res.lines.sort()).toEqual([
        'content-length: 3',
        'content-type: text/plain; charset=UTF-8',
        'vary: Cookie',
      ])
    })

    it('an empty answer gets no type', async () => {
      const res = await get('/empty')
      expect(res.status).toBe(204)
      expect(res.lines).toEqual(['vary: Cookie'])
    })

    it("the handler's own Set-Cookie and the session's go out as two lines", async () => {
      const res = await get('/own-cookie')
      const cookies = res.lines.filter((line) => line.startsWith('set-cookie: '))
      expect(cookies).toHaveLength(2)
      expect(cookies).toContain('set-cookie: theme=dark; Path=/')
      expect(cookies.some((line) => line.startsWith('set-cookie: sessionid='))).toBe(true)
      expect(res.lines).toContain('vary: Cookie')
      expect(res.lines).toContain('cache-control: no-store')
    })

    it("the handler's Vary is kept and Cookie added to it", async () => {
      const res = await get('/own-vary')
      expect(res.lines.filter((line) => line.startsWith('vary: '))).toEqual([
        'vary: Accept-Encoding, Cookie',
      ])
    })
  })
})
