import type { AddressInfo } from 'node:net'
import { type AuthUser, getCsrfToken, login } from '@tessera/core'
import { requireUser, tesseraSession } from '@tessera/fastify'
import { type AdapterApp, type AdapterSetupOptions, describeAdapter } from '@tessera/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { fetchRequest, injectRequest } from './web-bridge.js'

// The suite's csrf.exempt already spares every route but POST /protected; the other POST
// routes opt out in Fastify's own way as well.
const noCsrf = { config: { csrf: false } }

/** The conformance route table (`AdapterRoutes`) under the plugin with the suite's options. */
async function routes({ manager, users, options }: AdapterSetupOptions): Promise<FastifyInstance> {
  const app = Fastify({ trustProxy: '127.0.0.1' })
  app.setErrorHandler(async (error: Error, _request, reply) =>
    reply.code(500).send({ caught: error.message }),
  )
  await app.register(tesseraSession, { manager, ...options })
  // A form parser, as @fastify/formbody adds: the plugin reads the token from parsed forms.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )
  app.get('/static', async (_request, reply) => reply.type('text/plain').send('static'))
  app.get<{ Params: { key: string } }>('/get/:key', async (request) => ({
    value: (await request.session.get(request.params.key)) ?? null,
  }))
  app.post<{ Params: { key: string } }>('/set/:key', noCsrf, async (request) => {
    await request.session.set(request.params.key, request.body as never)
    return { ok: true }
  })
  app.get('/data', async (request) => request.session.data())
  app.post('/flush', noCsrf, async (request) => {
    await request.session.flush()
    return { ok: true }
  })
  app.get('/csrf-token', async (request) => ({ csrfToken: await getCsrfToken(request.session) }))
  app.post('/protected', async (request) => {
    await request.session.set('done', true)
    return { ok: true }
  })
  app.get('/session-token', async (request) => ({
    sessionToken: await request.session.getSessionToken(),
  }))
  app.post('/throw', noCsrf, async (request) => {
    await request.session.set('thrown', true)
    throw new Error('handler failed')
  })
  app.post('/fail', noCsrf, async (request, reply) => {
    await request.session.set('failed', true)
    return reply.code(500).send({ failed: true })
  })
  app.post('/login', noCsrf, async (request) => {
    await login(request.session, (await users.findByUsername('ada')) as AuthUser)
    return { ok: true }
  })
  await app.register(
    async (members) => {
      members.get('/me', { preHandler: requireUser(users) }, async (request) => ({
        username: (request.user as AuthUser).username,
      }))
      members.get('/open', { config: { allowAnonymous: true } }, async () => ({ open: true }))
      members.get('/plain', async () => ({ plain: true }))
    },
    { prefix: '/members' },
  )
  app.get('/redirect', async (request, reply) => {
    await request.session.set('redirected', true)
    return reply.redirect('/static', 302)
  })
  await app.ready()
  return app
}

describeAdapter('fastify', async (options) => {
  const app = await routes(options)
  return { fetch: (request) => injectRequest(app, request), close: () => app.close() }
})

describeAdapter(
  'fastify over a real port',
  async (options): Promise<AdapterApp> => {
    const app = await routes(options)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    return { fetch: (request) => fetchRequest(url, request), url, close: () => app.close() }
  },
  { realPort: true, cases: ['concurrency'] },
)
