import { getCsrfToken, MemoryStore, SessionManager } from '@tessera/core'
import { session } from '@tessera/express'
import type { AdapterApp } from '@tessera/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { sendUnfinishedChunkedBody } from '../../../test-support/unfinished-chunked-body.js'
import { express, serve } from './lib/serve.js'

const SECRET = 'express-csrf-form-secret-express-csrf-form-01'
const FORM = 'application/x-www-form-urlencoded'
const ORIGIN = 'http://adapter.test'

const open: AdapterApp[] = []
afterEach(async () => {
  for (const app of open.splice(0)) await app.close?.()
})

/**
 * session() with `csrf` and no body parser in front: it reads a form itself. The
 * handlers echo `req.body`; `/then-parser` has `express.urlencoded()` after session().
 */
async function start() {
  const app = express()
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  app.use(session(manager, { csrf: true, bodyLimit: 1024 }))
  const state = { handled: 0 }
  app.get('/csrf-token', async (req, res) => {
    res.json({ csrfToken: await getCsrfToken(req.session) })
  })
  app.post('/form', (req, res) => {
    state.handled++
    res.json({ body: req.body ?? null })
  })
  app.post('/then-parser', express.urlencoded({ extended: false }), (req, res) => {
    state.handled++
    res.json({ body: req.body ?? null })
  })
  const served = await serve(app)
  open.push(served)
  const visit = await served.fetch(new Request(`${ORIGIN}/csrf-token`))
  const cookie = (visit.headers.get('set-cookie') ?? '').split(';')[0] as string
  const { csrfToken } = (await visit.json()) as { csrfToken: string }
  const post = (path: string, body: string) =>
    served.fetch(
      new Request(`${ORIGIN}${path}`, {
        method: 'POST',
        headers: { cookie, origin: ORIGIN, 'content-type': FORM },
        body,
      }),
    )
  return { served, cookie, csrfToken, post, state }
}

describe('@tessera/express session() with csrf reading a form itself, over a real port', () => {
  it('accepts the csrfmiddlewaretoken field with no body parser and leaves it on req.body', async () => {
    const { csrfToken, post, state } = await start()
    const res = await post('/form', `note=hi&csrfmiddlewaretoken=${encodeURIComponent(csrfToken)}`)
    expect(res.status).toBe(200)
    // Only the token field: a handler that needs the other fields registers a body
    // parser before csrf(), which then reads the token from what it parsed.
    expect(await res.json()).toEqual({ body: { csrfmiddlewaretoken: csrfToken } })
    expect(state.handled).toBe(1)
  })

  it('refuses a wrong or missing form token with 403 and never runs the handler', async () => {
    const { csrfToken, post, state } = await start()
    const wrong = `${csrfToken.slice(0, -1)}${csrfToken.endsWith('a') ? 'b' : 'a'}`
    const bad = await post('/form', `csrfmiddlewaretoken=${encodeURIComponent(wrong)}`)
    expect(bad.status).toBe(403)
    expect(((await bad.json()) as { code: string }).code).toMatch(/^CSRF_TOKEN_/)
    const missing = await post('/form', 'note=hi')
    expect(missing.status).toBe(403)
    expect(await missing.json()).toMatchObject({ code: 'CSRF_TOKEN_MISSING' })
    expect(state.handled).toBe(0)
  })

  it('a body parser after session() sees the spent stream as parsed instead of waiting for it', async () => {
    const { csrfToken, post, state } = await start()
    const res = await post('/then-parser', `csrfmiddlewaretoken=${encodeURIComponent(csrfToken)}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ body: { csrfmiddlewaretoken: csrfToken } })
    expect(state.handled).toBe(1)
  })

  it('a chunked form without Content-Length past bodyLimit is cut off with 413', async () => {
    const { served, cookie, csrfToken, state } = await start()
    const port = Number(new URL(served.url as string).port)
    const res = await sendUnfinishedChunkedBody(
      new Request(`${ORIGIN}/form`, {
        method: 'POST',
        headers: { cookie, origin: ORIGIN, 'x-csrftoken': csrfToken, 'content-type': FORM },
      }),
      port,
      `x=${'a'.repeat(510)}&`,
    )
    expect(res.status).toBe(413)
    expect(res.headers.get('connection')).toBe('close')
    expect(await res.json()).toEqual({ detail: 'Request body too large.', code: 'BODY_TOO_LARGE' })
    expect(state.handled).toBe(0)
  })
})
