// tessera-fastify-redis.ts with RedisStore's `clientSideCache` on (see
// tessera-hono-redis-cached.ts). Same routes, same shared Redis as its peer.
import { reportNodeServer } from '../lib/listen-node.js'
import { tesseraFastifyApp } from '../lib/tessera-fastify-app.js'
import { tesseraOnRedis } from '../lib/tessera-redis.js'

const { manager, cleanup } = await tesseraOnRedis('tessera-fastify-redis-cached', {
  clientSideCache: true,
})
const app = await tesseraFastifyApp(manager)
await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server, cleanup)
