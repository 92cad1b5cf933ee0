// Peer: Fastify 5 + @fastify/cookie + @fastify/session with its default memory store.
// Cookies are not Secure because the bench speaks plain http on 127.0.0.1.
import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import Fastify from 'fastify'
import { reportListening } from '../lib/report-listening.js'

declare module 'fastify' {
  interface Session {
    user?: string
  }
}

const app = Fastify()
await app.register(fastifyCookie)
await app.register(fastifySession, {
  secret: 'bench-secret-bench-secret-bench-secret!!',
  saveUninitialized: false,
  cookie: { secure: false },
})
app.get('/login', async (request) => {
  request.session.set('user', 'bench')
  return { ok: true }
})
app.get('/', async (request) => ({ user: request.session.get('user') ?? null }))

await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
reportListening(address.port)
