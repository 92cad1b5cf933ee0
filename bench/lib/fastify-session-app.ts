import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import Fastify, { type FastifyInstance } from 'fastify'
import { benchSecret } from './bench-secret.js'

declare module 'fastify' {
  interface Session {
    user?: string
    n?: number
  }
}

/**
 * The peer on Fastify: Fastify 5 + @fastify/cookie + @fastify/session
 * (`saveUninitialized: false`; cookies not Secure, the bench speaks plain http) on `store`
 * (default: its memory store), with the bench's routes: `GET /login`, `GET /`,
 * `GET /write` (changes the session) and `GET /count` (see `expressSessionApp`).
 *
 * @example
 * ```ts
 * const app = await fastifySessionApp(new RedisStore({ client, prefix }))
 * ```
 */
export async function fastifySessionApp(
  store?: fastifySession.SessionStore,
): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(fastifyCookie)
  await app.register(fastifySession, {
    secret: benchSecret,
    saveUninitialized: false,
    cookie: { secure: false },
    ...(store === undefined ? {} : { store }),
  })
  app.get('/login', async (request) => {
    request.session.set('user', 'bench')
    return { ok: true }
  })
  app.get('/', async (request) => ({ user: request.session.get('user') ?? null }))
  app.get('/write', async (request) => {
    // Number(): in this TypeScript program @tessera/fastify's declaration of
    // `request.session` (async get/set) merges with @fastify/session's (sync).
    request.session.set('n', Number(request.session.get('n') ?? 0) + 1)
    return { ok: true }
  })
  app.get('/count', async (request) => ({ n: request.session.get('n') ?? 0 }))
  return app
}
