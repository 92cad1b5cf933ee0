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

async function start(build: (app: ReturnType<typeof express>) => void): Promise<AdapterApp> {
  const { MemoryStore } = await import('@tessera/core')
  const app = express()
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
