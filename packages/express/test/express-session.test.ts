import { type Session, SessionManager, StoreError } from '@tessera/core'
import { session, storeErrorHandler } from '@tessera/express'
import type { AdapterApp } from '@tessera/testing'
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import { express, serve } from './lib/serve.js'

const secret = 'express-test-secret-0123456789abcdef-0123456789'
const open: AdapterApp[] = []
afterEach(async () => {
  for (const app of open.splice(0)) await app.close?.()
})

async function start(
  build: (app: ReturnType<typeof express>) => void,
  before?: (app: ReturnType<typeof express>) => void,
): Promise<AdapterApp> {
  const { MemoryStore } = await import('@tessera/core')
  const app = express()
  before?.(app)
  app.use(session(new SessionManager({ store: new MemoryStore(), secret })))
  build(app)
  app.use(storeErrorHandler())
  const served = await serve(app)
  open.push(served)
  return served
}

const get = (app: AdapterApp, path: string) => app.fetch(new Request(`http://adapter.test${path}`))
const sessionCookies = (res: Response) =>
  res.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))

describe('@tessera/express', () => {
  it('types req.session as the core Session', async () => {
    const app = await start((a) =>
      a.get('/', async (req, res) => {
        expectTypeOf(req.session).toEqualTypeOf<Session>()
        await req.session.set('n', 1)
        res.json({ n: await req.session.get<number>('n') })
      }),
    )
    const res = await get(app, '/')
    expect(await res.json()).toEqual({ n: 1 })
  })

  it('req.session is the Tessera session over one an earlier middleware set', async () => {
    const app = await start(
      (a) =>
        a.get('/', async (req, res) => {
          await req.session.set('n', 2)
          res.json({ n: await req.session.get<number>('n') })
        }),
      (a) =>
        a.use((req, _res, next) => {
          ;(req as { session: unknown }).session = { foreign: true }
          next()
        }),
    )
    const res = await get(app, '/')
    expect(await res.json()).toEqual({ n: 2 })
    expect(sessionCookies(res)).toHaveLength(1)
  })

  it("req.session is set on a request whose prototype is not Express's", async () => {
    const { IncomingMessage } = await import('node:http')
    const app = await start(
      (a) =>
        a.use(async (req, res) => {
          await req.session.set('n', 3)
          res.setHeader('content-type', 'application/json')
          res.end(JSON.stringify({ n: await req.session.get<number>('n') }))
        }),
      // What a framework that re-prototypes requests its own way leaves behind.
      (a) =>
        a.use((req, _res, next) => {
          Object.setPrototypeOf(req, IncomingMessage.prototype)
          next()
        }),
    )
    const res = await get(app, '/')
    expect(await res.json()).toEqual({ n: 3 })
    expect(sessionCookies(res)).toHaveLength(1)
  })

  it('an async handler that throws StoreError gets 503 JSON through storeErrorHandler()', async () => {
    const app = await start((a) =>
      a.get('/', async () => {
        throw new StoreError('STORE_UNAVAILABLE', 'down')
      }),
    )
    const res = await get(app, '/')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({
      detail: 'Session store unavailable',
      code: 'STORE_UNAVAILABLE',
    })
  })

  it.each([
    ['res.json', (res: { json(b: unknown): void }) => res.json({ ok: true })],
    ['res.send', (res: { send(b: string): void }) => res.send('ok')],
    ['res.end', (res: { end(b: string): void }) => res.end('ok')],
    ['res.redirect', (res: { redirect(s: number, u: string): void }) => res.redirect(302, '/')],
    [
      'res.writeHead + write + end',
      (res: { writeHead(s: number, h: object): void; write(b: string): void; end(): void }) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('o')
        res.end()
      },
    ],
  ] as const)('%s carries the session cookie and no-store', async (_, respond) => {
    const app = await start((a) =>
      a.get('/', async (req, res) => {
        await req.session.set('x', 1)
        ;(respond as (r: typeof res) => void)(res)
      }),
    )
    const res = await get(app, '/')
    expect(sessionCookies(res)).toHaveLength(1)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('vary')).toMatch(/cookie/i)
  })
})
