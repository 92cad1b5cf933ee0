import { tesseraSession } from '@tessera/fastify'
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify'
import { createApi } from './api.js'
import { createApiDispatcher } from './api-dispatcher.js'
import type { AppDeps } from './app.js'

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
    csrf: { trustedOrigins: deps.trustedOrigins ?? [] },
  })
  await app.register(async (api) => {
    api.removeAllContentTypeParsers()
    api.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body)
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
