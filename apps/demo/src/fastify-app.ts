import { DEFAULT_BODY_LIMIT } from '@tessera/core'
import { tesseraSession } from '@tessera/fastify'
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify'
import { createApi } from './api.js'
import { createApiDispatcher } from './api-dispatcher.js'
import { type AppDeps, csrfOptions, deploymentOptions } from './app.js'

/**
 * The demo API on Fastify 5 with `@tessera/fastify` (`csrf: true`, so every unsafe
 * route is CSRF-checked): one catch-all route under `/api` hands each request to the
 * framework-independent dispatcher. In its own encapsulated context every body is kept
 * as raw bytes, so the API — not Fastify's JSON parser — answers malformed JSON (400)
 * and other content types (415), with the same bytes as the Hono `createApp`.
 *
 * @example
 * ```ts
 * const app = await createFastifyApp({ manager, users, hasher, throttle })
 * await app.listen({ port: 3000 })
 * ```
 */
export async function createFastifyApp(
  deps: AppDeps,
  options: FastifyServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify(options)
  const dispatch = createApiDispatcher(createApi(deps), deps)
  await app.register(tesseraSession, {
    manager: deps.manager,
    csrf: csrfOptions(deps),
    ...deploymentOptions(deps),
  })
  await app.register(async (api) => {
    api.removeAllContentTypeParsers()
    // Fastify stops reading past bodyLimit (Content-Length first, then as it streams)
    // and fails with FST_ERR_CTP_BODY_TOO_LARGE; the handler below answers it in the API's own shape.
    api.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: DEFAULT_BODY_LIMIT },
      (_request, body, done) => {
        done(null, body)
      },
    )
    api.setErrorHandler((error, _request, reply) => {
      if ((error as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error
      return reply
        .code(413)
        .header('content-type', 'application/json')
        .header('x-content-type-options', 'nosniff')
        .header('connection', 'close')
        .send(JSON.stringify({ detail: 'Request body too large.', code: 'BODY_TOO_LARGE' }))
    })
    api.all('/api', handler)
    api.all('/api/*', handler)
  })

  async function handler(request: FastifyRequest, reply: FastifyReply) {
    const out = await dispatch({
      method: request.raw.method ?? request.method,
      url: request.url,
      header: (name) => {
        const value = request.headers[name.toLowerCase()]
        return Array.isArray(value) ? value[0] : value
      },
      // Fastify's parser already applied the limit (413 above); the body is at most that.
      text: async () => (Buffer.isBuffer(request.body) ? request.body.toString('utf8') : ''),
      session: request.session,
      remoteAddress: request.socket.remoteAddress,
    })
    reply.code(out.status)
    for (const [name, value] of out.headers) reply.header(name, value)
    return reply.send(out.body)
  }

  await app.ready()
  return app
}
