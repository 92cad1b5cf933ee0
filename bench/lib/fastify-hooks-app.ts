import Fastify, { type FastifyInstance } from 'fastify'

const USER = Symbol('user')

declare module 'fastify' {
  interface FastifyRequest {
    [USER]: string
  }
}

/**
 * Bare Fastify 5 plus the least any session plugin adds there: a request property
 * declared with `decorateRequest`, set by a callback-style `onRequest` hook (where
 * `@tessera/fastify` opens the session), a callback-style `onSend` hook that passes the
 * payload on (where a session is saved and its headers written), and an async route that
 * answers the property. No session, no cookie, no `Vary`: `fastify-redis-floor` without
 * its read and with the `onSend` hook. The `fastify-hooks` target's server and the
 * `fastify-hooks` scenario of `bench:instructions` are this app.
 *
 * @example
 * ```ts
 * await fastifyHooksApp().listen({ port: 0, host: '127.0.0.1' })
 * ```
 */
export function fastifyHooksApp(): FastifyInstance {
  const app = Fastify()
  app.decorateRequest(USER, '')
  app.addHook('onRequest', (request, _reply, done) => {
    request[USER] = 'bench'
    done()
  })
  app.addHook('onSend', (_request, _reply, payload, done) => {
    done(null, payload)
  })
  app.get('/', async (request) => ({ user: request[USER] }))
  return app
}
