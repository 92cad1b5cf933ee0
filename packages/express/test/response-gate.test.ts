import http from 'node:http'
import { MemoryStore, SessionManager, StoreError } from '@tessera/core'
import { nodeResponseGate } from '@tessera/core/adapter'
import { session, storeErrorHandler } from '@tessera/express'
import { describe, expect, it } from 'vitest'
import { express, serve } from './lib/serve.js'

// The gate that holds a response while its session is saved puts its methods on
// Express's response prototype, once, rather than on every response (see
// gateNodeResponse). These cases try it where that could go wrong.

const SECRET = 'express-gate-secret-express-gate-secret-0001'

function manager() {
  return new SessionManager({ store: new MemoryStore(), secret: SECRET })
}

function cookieOf(response: Response): string {
  const set = response.headers.get('set-cookie') ?? ''
  return set.split(';')[0] ?? ''
}

describe('@tessera/express response gate', () => {
  // First in this file (a fresh Express module): no request has been gated yet.
  it('saves on the very first request when an earlier middleware wrapped res.end', async () => {
    const app = express()
    let wrapped = 0
    app.use((_req, res, next) => {
      // As compression and on-finished-style middleware do: take res.end as it is now.
      const end = res.end
      res.end = function (this: typeof res, ...args: Parameters<typeof res.end>) {
        wrapped++
        return end.apply(this, args)
      } as typeof res.end
      next()
    })
    app.use(session(manager()))
    app.get('/', async (req, res) => {
      await req.session.set('first', true)
      res.json({ ok: true })
    })
    app.get('/first', async (req, res) => {
      res.json({ first: (await req.session.get('first')) ?? null })
    })
    const server = await serve(app)
    try {
      const response = await server.fetch(new Request('http://127.0.0.1/'))
      expect(response.headers.get('set-cookie')).toMatch(/^sessionid=/)
      const cookie = cookieOf(response)
      const read = await server.fetch(
        new Request('http://127.0.0.1/first', { headers: { cookie } }),
      )
      expect(await read.json()).toEqual({ first: true })
      expect(wrapped).toBe(2)
    } finally {
      await server.close?.()
    }
  })

  it('leaves an Express app without Tessera in the same process untouched', async () => {
    const gated = express()
    gated.use(session(manager()))
    gated.get('/', async (req, res) => {
      await req.session.set('n', 1)
      res.json({ ok: true })
    })
    const plain = express()
    plain.get('/', (_req, res) => {
      res.setHeader('x-plain', 'yes')
      res.write('a')
      res.end('b')
    })
    const a = await serve(gated)
    const b = await serve(plain)
    try {
      // The gated app first, so its methods are in place before the plain app answers.
      const first = await a.fetch(new Request('http://127.0.0.1/'))
      expect(first.headers.get('set-cookie')).toMatch(/^sessionid=/)
      const other = await b.fetch(new Request('http://127.0.0.1/'))
      expect(other.status).toBe(200)
      expect(other.headers.get('x-plain')).toBe('yes')
      expect(other.headers.get('set-cookie')).toBeNull()
      expect(await other.text()).toBe('ab')
    } finally {
      await a.close?.()
      await b.close?.()
    }
  })

  it('saves the session when a sub-app opened it and the parent app answers', async () => {
    const sub = express()
    sub.use(session(manager()))
    sub.use(async (req, _res, next) => {
      await req.session.set('seen', true)
      next()
    })
    const parent = express()
    // The sub-app passes the request on: Express restores the parent's prototypes.
    parent.use(sub)
    parent.get('/', (_req, res) => {
      res.json({ from: 'parent' })
    })
    const server = await serve(parent)
    try {
      const response = await server.fetch(new Request('http://127.0.0.1/'))
      expect(await response.json()).toEqual({ from: 'parent' })
      expect(response.headers.get('set-cookie')).toMatch(/^sessionid=[^;]+; /)
      expect(response.headers.get('vary')).toBe('Cookie')
    } finally {
      await server.close?.()
    }
  })

  it('holds a streamed response until the session is saved, then sends it whole', async () => {
    const app = express()
    app.use(session(manager()))
    app.get('/login', async (req, res) => {
      await req.session.set('user', 'alice')
      res.json({ ok: true })
    })
    app.get('/stream', async (req, res) => {
      // A write that changes the session: the save is a store call the first write waits for.
      await req.session.set('n', ((await req.session.get<number>('n')) ?? 0) + 1)
      res.setHeader('content-type', 'text/plain')
      res.write('one,')
      res.write('two,')
      res.end('three')
    })
    app.get('/n', async (req, res) => {
      res.json({ n: (await req.session.get('n')) ?? null })
    })
    const server = await serve(app)
    try {
      const cookie = cookieOf(await server.fetch(new Request('http://127.0.0.1/login')))
      const streamed = await server.fetch(
        new Request('http://127.0.0.1/stream', { headers: { cookie } }),
      )
      expect(streamed.status).toBe(200)
      expect(streamed.headers.get('vary')).toBe('Cookie')
      expect(await streamed.text()).toBe('one,two,three')
      const read = await server.fetch(new Request('http://127.0.0.1/n', { headers: { cookie } }))
      expect(await read.json()).toEqual({ n: 1 })
    } finally {
      await server.close?.()
    }
  })

  it('req.session: undefined where no session() ran, assignable, and the session where one did', async () => {
    const app = express()
    app.get('/before', (req, res) => {
      // A route registered before session(): no session yet.
      res.json({ session: typeof req.session })
    })
    app.get('/assigned', (req, res) => {
      ;(req as { session: unknown }).session = { planted: true }
      res.json({ session: req.session as unknown })
    })
    app.use(session(manager()))
    app.get('/after', async (req, res) => {
      await req.session.set('k', 'v')
      res.json({ k: await req.session.get('k'), own: Object.hasOwn(req, 'session') })
    })
    const server = await serve(app)
    try {
      const before = await server.fetch(new Request('http://127.0.0.1/before'))
      expect(await before.json()).toEqual({ session: 'undefined' })
      const assigned = await server.fetch(new Request('http://127.0.0.1/assigned'))
      expect(await assigned.json()).toEqual({ session: { planted: true } })
      const after = await server.fetch(new Request('http://127.0.0.1/after'))
      // Read through Express's request prototype, not a property added to the request.
      expect(await after.json()).toEqual({ k: 'v', own: false })
      expect(after.headers.get('set-cookie')).toMatch(/^sessionid=/)
    } finally {
      await server.close?.()
    }
  })

  // The gate is forgotten once its response has closed and been released (an entry left
  // to the garbage collector cost a quarter of bare Express's work per request).
  it('forgets the gate once the response closed, and req.session still answers after it', async () => {
    const app = express()
    app.use(session(manager()))
    const seen = new Promise<{ gate: boolean; session: boolean; value: unknown }>((resolve) => {
      app.get('/', async (req, res) => {
        await req.session.set('k', 'v')
        res.on('close', () => {
          // As a logger does once the response is out (on-finished runs a tick later).
          setImmediate(async () => {
            const session = req.session as typeof req.session | undefined
            resolve({
              gate: nodeResponseGate(res) !== undefined,
              session: session !== undefined,
              value: session ? await session.get('k') : undefined,
            })
          })
        })
        res.json({ ok: true })
      })
    })
    const server = await serve(app)
    try {
      const response = await server.fetch(new Request('http://127.0.0.1/'))
      expect(response.headers.get('set-cookie')).toMatch(/^sessionid=/)
      expect(await seen).toEqual({ gate: false, session: true, value: 'v' })
    } finally {
      await server.close?.()
    }
  })

  // Released is gone: nothing needs the gate once the session's headers are on the
  // response, so no 'close' listener per response waits to drop it.
  it('forgets the gate as soon as a read-only response is written; a save keeps it until saved', async () => {
    const app = express()
    app.use(session(manager()))
    const seen: Record<string, unknown> = {}
    app.get('/read', async (req, res) => {
      seen.readBefore = nodeResponseGate(res) !== undefined
      seen.value = await req.session.get('k')
      res.json({ ok: true })
      seen.readAfter = nodeResponseGate(res) !== undefined
      seen.sessionAfter = (await req.session.get('k')) ?? null
    })
    app.get('/write', async (req, res) => {
      await req.session.set('k', 'v')
      res.json({ ok: true })
      // The store write is under way: the response is held, and so is its gate.
      seen.writeHeld = nodeResponseGate(res) !== undefined
      res.on('finish', () => {
        seen.writeAfterSave = nodeResponseGate(res) !== undefined
      })
    })
    const server = await serve(app)
    try {
      const write = await server.fetch(new Request('http://127.0.0.1/write'))
      expect(write.headers.get('set-cookie')).toMatch(/^sessionid=/)
      const cookie = cookieOf(write)
      const read = await server.fetch(new Request('http://127.0.0.1/read', { headers: { cookie } }))
      expect(await read.json()).toEqual({ ok: true })
      expect(read.headers.get('vary')).toBe('Cookie')
      expect(seen).toEqual({
        writeHeld: true,
        writeAfterSave: false,
        readBefore: true,
        value: 'v',
        readAfter: false,
        sessionAfter: 'v',
      })
    } finally {
      await server.close?.()
    }
  })

  it('saves a session changed after its client went away (closed before the gate opened)', async () => {
    const app = express()
    app.use(session(manager()))
    let saved: () => void = () => {}
    const done = new Promise<void>((resolve) => {
      saved = resolve
    })
    app.get('/start', async (req, res) => {
      await req.session.set('n', 1)
      res.json({ ok: true })
    })
    app.get('/slow', (req, res) => {
      // The client leaves first; the handler changes the session and answers afterwards.
      res.on('close', async () => {
        await req.session.set('n', 2)
        res.json({ ok: true })
        saved()
      })
    })
    app.get('/read', async (req, res) => {
      res.json({ n: (await req.session.get('n')) ?? null })
    })
    const server = await serve(app)
    try {
      const start = await server.fetch(new Request('http://127.0.0.1/start'))
      const cookie = cookieOf(start)
      await new Promise<void>((resolve) => {
        const request = http.get(`${server.url}/slow`, { headers: { cookie } })
        request.on('error', () => resolve())
        setTimeout(() => request.destroy(), 50)
      })
      await done
      const read = await server.fetch(new Request('http://127.0.0.1/read', { headers: { cookie } }))
      expect(await read.json()).toEqual({ n: 2 })
    } finally {
      await server.close?.()
    }
  })

  it('forgets the gate of a closed response whose store error storeErrorHandler answered', async () => {
    const app = express()
    app.use(session(manager()))
    const seen = new Promise<{ before: boolean; after: boolean }>((resolve) => {
      app.get('/gone', (_req, res, next) => {
        // The client leaves first; then the store fails and the error handler answers.
        res.on('close', () => {
          const before = nodeResponseGate(res) !== undefined
          next(new StoreError('STORE_UNAVAILABLE', 'get'))
          setImmediate(() => resolve({ before, after: nodeResponseGate(res) !== undefined }))
        })
      })
    })
    app.use(storeErrorHandler())
    const server = await serve(app)
    try {
      await new Promise<void>((resolve) => {
        const request = http.get(`${server.url}/gone`)
        request.on('error', () => resolve())
        setTimeout(() => request.destroy(), 50)
      })
      expect(await seen).toEqual({ before: true, after: false })
    } finally {
      await server.close?.()
    }
  })
})
