// Bare Fastify 5 plus one Redis read per request and nothing else (`fastifyReadFloorApp`):
// an `onRequest` hook (where Tessera's Fastify adapter opens the session) that reads one
// session-shaped hash as RedisStore reads a session (`openFloorRedisRead`: one HMGET,
// corked until the turn ends), and the route answers the user read. No session, no cookie.
import { fastifyReadFloorApp } from '../lib/fastify-read-floor-app.js'
import { openFloorRedisRead } from '../lib/floor-redis-read.js'
import { reportNodeServer } from '../lib/listen-node.js'

const floor = await openFloorRedisRead('fastify-redis-floor')
const app = fastifyReadFloorApp(floor)

await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server, () => floor.close())
