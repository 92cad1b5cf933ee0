import { MemoryStore, SessionManager } from '@tessera/core'
import { session, storeErrorHandler } from '@tessera/express'
import type { ErrorRequestHandler, Express, RequestHandler } from 'express-serve-static-core'
import { describe, expect, it } from 'vitest'
import { express, serve } from './lib/serve.js'

// As in Hono, Fastify and @tessera/web: when a handler throws (or calls next(err)), the
// answer Express's error path writes saves nothing and sets no session cookie, whatever
// its status. An http-errors error answers with its own 4xx, which the session would
// otherwise take for a handler's answer and save.

const SECRET = 'express-error-answer-secret-express-error-01'

/** An http-errors style error: Express's final handler answers with its `status`. */
function httpError(status: number): Error {
  return Object.assign(new Error('step two failed'), { status, statusCode: status, expose: true })
}

/** The app's own error handler: answers with the error's status and says it ran. */
const ownErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  res.status((err as { status?: number }).status ?? 500).json({ handled: (err as Error).message })
}

type Setup = (app: Express) => void

/** `/login` starts a session, `/privileged` reads the flag, `/elevate` sets it and fails. */
function app(elevate: RequestHandler, errorPath: Setup): Express {
  const app = express()
  app.use(session(new SessionManager({ store: new MemoryStore(), secret: SECRET })))
  app.post('/login', async (req, res) => {
    await req.session.set('user', 'alice')
    res.json({ ok: true })
  })
  app.get('/privileged', async (req, res) => {
    res.json({ privileged: (await req.session.get('privileged')) ?? false })
  })
  app.post('/elevate', elevate)
  errorPath(app)
  return app
}

const throws400: RequestHandler = async (req) => {
  await req.session.set('privileged', true)
  throw httpError(400)
}

const passes403: RequestHandler = (req, _res, next) => {
  req.session.set('privileged', true).then(() => next(httpError(403)), next)
}

const answers400: RequestHandler = async (req, res) => {
  await req.session.set('privileged', true)
  res.status(400).json({ invalid: true })
}

/** Logs in, elevates, then reads the flag back with the login's cookie. */
async function elevate(server: Awaited<ReturnType<typeof serve>>) {
  const login = await server.fetch(new Request('http://127.0.0.1/login', { method: 'POST' }))
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  expect(cookie).toMatch(/^sessionid=/)
  const answer = await server.fetch(
    new Request('http://127.0.0.1/elevate', { method: 'POST', headers: { cookie } }),
  )
  const read = await server.fetch(
    new Request('http://127.0.0.1/privileged', { headers: { cookie } }),
  )
  return {
    status: answer.status,
    setCookie: answer.headers.get('set-cookie'),
    body: await answer.text(),
    stored: ((await read.json()) as { privileged: boolean }).privileged,
  }
}

const withStoreErrorHandler: Setup = (a) => {
  a.use(storeErrorHandler())
}
const withBoth: Setup = (a) => {
  a.use(storeErrorHandler())
  a.use(ownErrorHandler)
}
const withOwnOnly: Setup = (a) => {
  a.use(ownErrorHandler)
}
const withOwnFirst: Setup = (a) => {
  a.use(ownErrorHandler)
  a.use(storeErrorHandler())
}

describe('@tessera/express: the answer to a thrown error saves nothing', () => {
  const cases: Array<[string, RequestHandler, Setup, number]> = [
    [
      "a thrown 400, Express's final handler after storeErrorHandler()",
      throws400,
      withStoreErrorHandler,
      400,
    ],
    ['a thrown 400, the app’s error handler after storeErrorHandler()', throws400, withBoth, 400],
    [
      'a thrown 400, the app’s error handler before storeErrorHandler()',
      throws400,
      withOwnFirst,
      400,
    ],
    [
      'a thrown 400, the app’s error handler and no storeErrorHandler()',
      throws400,
      withOwnOnly,
      400,
    ],
    ['next(err) with a 403, storeErrorHandler() then the app’s', passes403, withBoth, 403],
    ['next(err) with a 403, the app’s error handler only', passes403, withOwnOnly, 403],
  ]
  for (const [name, handler, errorPath, status] of cases) {
    it(name, async () => {
      const server = await serve(app(handler, errorPath))
      try {
        const out = await elevate(server)
        expect({ status: out.status, setCookie: out.setCookie, stored: out.stored }).toEqual({
          status,
          setCookie: null,
          stored: false,
        })
      } finally {
        await server.close?.()
      }
    })
  }

  it('still hands the error to the app’s own error handler', async () => {
    const server = await serve(app(throws400, withBoth))
    try {
      expect((await elevate(server)).body).toBe(JSON.stringify({ handled: 'step two failed' }))
    } finally {
      await server.close?.()
    }
  })

  it('saves a 4xx the handler answered itself (no error thrown)', async () => {
    const server = await serve(app(answers400, withBoth))
    try {
      const out = await elevate(server)
      expect({ status: out.status, stored: out.stored }).toEqual({ status: 400, stored: true })
      expect(out.setCookie).toMatch(/^sessionid=/)
    } finally {
      await server.close?.()
    }
  })
})
