import Fastify, { type FastifyInstance } from 'fastify'
import type { FloorRead } from './floor-read.js'

const USER = Symbol('user')

declare module 'fastify' {
  interface FastifyRequest {
    [USER]: string
  }
}

/**
 * Bare Fastify 5 plus one Redis read per request and nothing else: an `onRequest` hook
 * (where Tessera's Fastify adapter opens the session) that awaits `floor.read()`, and an
 * async route that answers the user read. No session, no cookie. The
 * `fastify-redis-floor` target's server and the `fastify-redis-floor` scenario of
 * `bench:instructions` are this app.
 *
 * @example
 * ```ts
 * const app = fastifyReadFloorApp(await openFloorRedisRead('fastify-redis-floor'))
 * await app.listen({ port: 0, host: '127.0.0.1' })
 * ```
 */
export function fastifyReadFloorApp(floor: FloorRead): FastifyInstance {
  const app = Fastify()
  app.decorateRequest(USER, '')
  app.addHook('onRequest', async (request) => {
    request[USER] = await floor.read()
  })
  app.get('/', async (request) => ({ user: request[USER] }))
  return app
}
