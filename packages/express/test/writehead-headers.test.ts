import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http'
import { MemoryStore, SessionManager } from '@tessera/core'
import { session, storeErrorHandler } from '@tessera/express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { express, serve } from './lib/serve.js'

// Headers passed to res.writeHead() are applied before the session's, whichever form
// Node takes them in (an object, a flat [name, value, …] array, [name, value] pairs):
// a response that sets the session cookie keeps `Cache-Control: no-store` and a `Vary`
// that names Cookie, so no shared cache stores one user's cookie for another.

type Headers = OutgoingHttpHeaders | OutgoingHttpHeader[] | Array<[string, string]>

const FORMS: Record<string, Headers> = {
  object: { 'Cache-Control': 'public, max-age=3600', Vary: 'Accept-Encoding' },
  flat: ['Cache-Control', 'public, max-age=3600', 'Vary', 'Accept-Encoding'],
  pairs: [
    ['Cache-Control', 'public, max-age=3600'],
    ['Vary', 'Accept-Encoding'],
  ],
}

let server: Awaited<ReturnType<typeof serve>>
let cookie = ''

beforeAll(async () => {
  const app = express()
  app.use(
    session(
      new SessionManager({
        store: new MemoryStore(),
        secret: 'express-writehead-secret-express-writehead-0',
      }),
    ),
  )
  app.get('/set/:form', async (req, res) => {
    await req.session.set('user', 'alice')
    // writeHead's own types take no pairs; Node does.
    res.writeHead(200, FORMS[req.params.form as string] as OutgoingHttpHeaders)
    res.end('hello alice')
  })
  app.get('/read/:form', async (req, res) => {
    // Read only: nothing to save, so the session's headers go on without holding.
    await req.session.get('user')
    res.writeHead(200, 'OK', FORMS[req.params.form as string] as OutgoingHttpHeaders)
    res.end('hello')
  })
  app.get('/repeated', async (req, res) => {
    await req.session.set('user', 'alice')
    res.setHeader('Vary', 'Origin')
    res.writeHead(200, ['Vary', 'Accept-Encoding', 'Vary', 'Accept-Language', 'X-Kept', 'yes'])
    res.end('hello')
  })
  app.use(storeErrorHandler())
  server = await serve(app)
  const login = await server.fetch(new Request(`http://127.0.0.1/set/object`))
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
})
afterAll(async () => {
  await server.close?.()
})

function get(path: string, headers: Record<string, string> = {}) {
  return server.fetch(new Request(`http://127.0.0.1${path}`, { headers }))
}

describe('@tessera/express: headers passed to writeHead() keep the session’s', () => {
  for (const form of Object.keys(FORMS)) {
    it(`writeHead(status, ${form}) on a response that sets the session cookie`, async () => {
      const res = await get(`/set/${form}`)
      expect({
        sessionCookie: (res.headers.get('set-cookie') ?? '').startsWith('sessionid='),
        cacheControl: res.headers.get('cache-control'),
        vary: res.headers.get('vary'),
      }).toEqual({ sessionCookie: true, cacheControl: 'no-store', vary: 'Accept-Encoding, Cookie' })
    })

    it(`writeHead(status, reason, ${form}) on a response that only read the session`, async () => {
      const res = await get(`/read/${form}`, { cookie })
      expect(res.headers.get('set-cookie')).toBeNull()
      expect(res.headers.get('vary')).toBe('Accept-Encoding, Cookie')
    })
  }

  it('a flat array replaces the header it names and keeps its own repeats', async () => {
    const res = await get('/repeated')
    expect({
      vary: res.headers.get('vary'),
      kept: res.headers.get('x-kept'),
      cacheControl: res.headers.get('cache-control'),
    }).toEqual({
      vary: 'Accept-Encoding, Accept-Language, Cookie',
      kept: 'yes',
      cacheControl: 'no-store',
    })
  })
})
