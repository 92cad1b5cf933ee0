import type { AddressInfo } from 'node:net'
import { getCsrfToken, MemoryStore, SessionManager } from '@tessera/core'
import { tesseraSession } from '@tessera/fastify'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { sendUnfinishedChunkedBody } from '../../../test-support/unfinished-chunked-body.js'

const SECRET = 'fastify-body-limit-secret-fastify-body-limit-01'
const FORM = 'application/x-www-form-urlencoded'
const LIMIT = 1024

const open: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()))
})

/** The plugin with CSRF and a 1 KiB form limit on a real port; `handled` counts handler runs. */
async function start() {
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  const app = Fastify()
  await app.register(tesseraSession, { manager, csrf: true, bodyLimit: LIMIT })
  // A form parser, as @fastify/formbody adds: the plugin reads the token from parsed forms.
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )
  const state = { handled: 0 }
  app.get('/csrf-token', async (request) => ({ csrfToken: await getCsrfToken(request.session) }))
  app.get('/done', async (request) => ({ done: (await request.session.get('done')) ?? null }))
  app.post('/form', async (request) => {
    state.handled++
    await request.session.set('done', true)
    return { ok: true }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  open.push(app)
  const port = (app.server.address() as AddressInfo).port
  const base = `http://127.0.0.1:${port}`
  const visit = await fetch(`${base}/csrf-token`)
  const cookie = (visit.headers.get('set-cookie') ?? '').split(';')[0] as string
  const { csrfToken } = (await visit.json()) as { csrfToken: string }
  // A same-origin form post with a valid token: only its size can refuse it.
  const headers = { cookie, origin: base, 'x-csrftoken': csrfToken, 'content-type': FORM }
  return { port, base, headers, state }
}

describe('@tessera/fastify bodyLimit over a real port', () => {
  it('a chunked form without Content-Length is cut off with 413 before the rest is read', async () => {
    const { port, base, headers, state } = await start()
    // The body never ends: an answer can only come from a server that stopped reading.
    const res = await sendUnfinishedChunkedBody(
      new Request(`${base}/form`, { method: 'POST', headers }),
      port,
      `x=${'a'.repeat(510)}&`,
    )
    expect(res.status).toBe(413)
    expect(res.headers.get('connection')).toBe('close')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.json()).toEqual({ detail: 'Request body too large.', code: 'BODY_TOO_LARGE' })
    expect(state.handled).toBe(0)
    const done = await fetch(`${base}/done`, { headers: { cookie: headers.cookie } })
    expect(await done.json()).toEqual({ done: null })
  })

  it('a chunked form within the limit reaches the CSRF check and the handler', async () => {
    const { base, headers, state } = await start()
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++)
          controller.enqueue(new TextEncoder().encode(`f${i}=${'b'.repeat(200)}&`))
        controller.close()
      },
    })
    const res = await fetch(`${base}/form`, {
      method: 'POST',
      headers,
      body,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(200)
    expect(state.handled).toBe(1)
  })
})
