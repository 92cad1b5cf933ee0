// Tessera on Fastify 5 (@tessera/fastify) with RedisStore over ioredis: the like-for-like
// twin of fastify-session-redis.ts (connect-redis) on the same shared Redis, same routes.
// Keys carry this process's own prefix and are deleted (SCAN + DEL) on exit.
import { reportNodeServer } from '../lib/listen-node.js'
import { tesseraFastifyApp } from '../lib/tessera-fastify-app.js'
import { tesseraOnRedis } from '../lib/tessera-redis.js'

const { manager, cleanup } = await tesseraOnRedis('tessera-fastify-redis')
const app = await tesseraFastifyApp(manager)
await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server, cleanup)
