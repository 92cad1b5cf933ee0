// tessera-express-redis.ts with RedisStore's `clientSideCache` on (see
// tessera-hono-redis-cached.ts). Same routes, same shared Redis as its peer.
import { reportNodeServer } from '../lib/listen-node.js'
import { tesseraExpressApp } from '../lib/tessera-express-app.js'
import { tesseraOnRedis } from '../lib/tessera-redis.js'

const { manager, cleanup } = await tesseraOnRedis('tessera-express-redis-cached', {
  clientSideCache: true,
})
reportNodeServer(tesseraExpressApp(manager).listen(0, '127.0.0.1'), cleanup)
