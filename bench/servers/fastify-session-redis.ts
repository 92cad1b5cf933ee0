// Peer: Fastify 5 + @fastify/cookie + @fastify/session with connect-redis on node-redis
// (@fastify/session accepts express-session-compatible stores), against the shared Redis
// at 127.0.0.1:6379. Keys carry this process's own prefix and are deleted (SCAN + DEL) on
// exit; nothing else in that Redis is touched.
import { connectRedisStore } from '../lib/connect-redis-store.js'
import { fastifySessionApp } from '../lib/fastify-session-app.js'
import { reportNodeServer } from '../lib/listen-node.js'

const { store, cleanup } = await connectRedisStore('fastify-session-redis')
const app = await fastifySessionApp(store)
await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server, cleanup)
