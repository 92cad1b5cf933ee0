// Peer: Fastify 5 + @fastify/cookie + @fastify/session with connect-redis on node-redis
// (@fastify/session accepts express-session-compatible stores), against the shared Redis
// at 127.0.0.1:6379. Keys carry this process's own prefix and are deleted (SCAN + DEL) on
// exit; nothing else in that Redis is touched. Cookies are not Secure: plain http.
import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import { RedisStore } from 'connect-redis'
import Fastify from 'fastify'
import { createClient } from 'redis'
import { deleteKeysWithPrefix, redisPrefix, redisUrl } from '../lib/redis.js'
import { reportListening } from '../lib/report-listening.js'

declare module 'fastify' {
  interface Session {
    user?: string
  }
}

const prefix = redisPrefix('fastify-session-redis')
const redis = createClient({ url: redisUrl, disableOfflineQueue: true })
await redis.connect()

const app = Fastify()
await app.register(fastifyCookie)
await app.register(fastifySession, {
  store: new RedisStore({ client: redis, prefix }),
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
reportListening(address.port, async () => {
  await deleteKeysWithPrefix(
    prefix,
    async (cursor, match) => {
      const page = await redis.scan(cursor, { MATCH: match, COUNT: 250 })
      return [page.cursor, page.keys]
    },
    (keys) => redis.del(keys),
  )
  await redis.close()
})
