import type { Session } from '@tessera/core'
import type { SessionEnv } from '@tessera/hono'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { ApiInput } from '../src/api-dispatcher.js'
import { createApiDispatcher } from '../src/api-dispatcher.js'
import type { ApiRequest } from '../src/api-handler.js'
import { honoApi } from '../src/hono-api.js'

// The dispatcher hands the session on and reads only the address the adapter decided on
// (none here, so the socket's is used).
const session = { client: { ip: undefined, secure: false } } as unknown as Session

function input(overrides: Partial<ApiInput> = {}): ApiInput {
  return {
    method: 'GET',
    url: '/api/echo/?q=1&q=2',
    header: (name) => (name === 'x-test' ? 'yes' : undefined),
    text: async () => '{"a":1}',
    session,
    remoteAddress: '192.0.2.7',
    ...overrides,
  }
}

/** The names of `object`'s own getters and setters (none when they live on its prototype). */
function ownAccessors(object: object | undefined): string[] {
  if (object === undefined) throw new Error('the handler never ran')
  return Object.getOwnPropertyNames(object).filter((name) => {
    const d = Object.getOwnPropertyDescriptor(object, name)
    return d?.get !== undefined || d?.set !== undefined
  })
}

describe('the demo API dispatcher', () => {
  it('hands a handler the lazy query, body, header, session and addresses of the request', async () => {
    let seen: ApiRequest | undefined
    let reads = 0
    const dispatch = createApiDispatcher({
      'POST /api/echo/': async (request) => {
        seen = request
        // Destructured as the demo's handlers do: the reads still work unbound.
        const { header, params, path, method } = request
        return {
          status: 200,
          body: {
            q: request.query.getAll('q'),
            json: await request.json(),
            again: await request.json(),
            header: header('x-test'),
            params,
            path,
            method,
            remoteAddress: request.remoteAddress,
            clientIp: request.clientIp,
          },
        }
      },
    })
    const out = await dispatch(
      input({
        method: 'POST',
        text: async () => {
          reads++
          return '{"a":1}'
        },
      }),
    )
    expect(out.status).toBe(200)
    expect(JSON.parse(out.body)).toEqual({
      q: ['1', '2'],
      json: { a: 1 },
      again: { a: 1 },
      header: 'yes',
      params: {},
      path: '/api/echo/',
      method: 'POST',
      remoteAddress: '192.0.2.7',
      // No session address: the socket's.
      clientIp: '192.0.2.7',
    })
    expect(reads).toBe(1)
    expect(seen?.session).toBe(session)
  })

  it("builds each request's object with its getters on a prototype, not as accessors of its own", async () => {
    // An object literal with getters gets an AccessorPair per getter, which V8 allocates in
    // the old generation: under load every request's objects then survived the young one
    // (bench/README.md, "The demo's garbage collection").
    let seen: ApiRequest | undefined
    const dispatch = createApiDispatcher({
      'GET /api/echo/': (request) => {
        seen = request
        return { status: 204, body: null }
      },
    })
    await dispatch(input())
    expect(Object.getOwnPropertyNames(seen).length).toBeGreaterThan(0)
    expect(ownAccessors(seen)).toEqual([])
  })

  it('answers 405 with Allow for a known path under another method, 404 for an unknown one', async () => {
    const dispatch = createApiDispatcher({
      'POST /api/echo/': () => ({ status: 200, body: {} }),
    })
    const wrongMethod = await dispatch(input({ method: 'DELETE', url: '/api/echo/' }))
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers).toContainEqual(['Allow', 'POST'])
    expect((await dispatch(input({ url: '/api/nowhere/' }))).status).toBe(404)
  })
})

describe("the demo API's Hono binding", () => {
  it('hands the dispatcher an input whose reads work unbound and whose getter is on a prototype', async () => {
    let seen: ApiInput | undefined
    const app = new Hono<SessionEnv>()
    app.use(async (c, next) => {
      c.set('session', session)
      await next()
    })
    app.all(
      '/api/*',
      honoApi(async (given) => {
        seen = given
        const { header } = given
        return {
          status: 200,
          headers: [['content-type', 'application/json']],
          body: JSON.stringify({ header: header('x-test'), text: await given.text(100) }),
        }
      }),
    )
    const res = await app.request('/api/echo/?a=1', {
      method: 'POST',
      headers: { 'x-test': 'yes' },
      body: 'hello',
    })
    expect(await res.json()).toEqual({ header: 'yes', text: 'hello' })
    expect(seen?.method).toBe('POST')
    expect(seen?.url).toBe('http://localhost/api/echo/?a=1')
    expect(seen?.session).toBe(session)
    // app.request() has no socket: no peer address.
    expect(seen?.remoteAddress).toBeUndefined()
    expect(ownAccessors(seen)).toEqual([])
  })
})
