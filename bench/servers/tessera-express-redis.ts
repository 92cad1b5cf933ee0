// Tessera on Express 5 (@tessera/express) with RedisStore over ioredis: the like-for-like
// twin of express-session-redis.ts (connect-redis) on the same shared Redis, same routes.
// Keys carry this process's own prefix and are deleted (SCAN + DEL) on exit.
import { reportNodeServer } from '../lib/listen-node.js'
import { tesseraExpressApp } from '../lib/tessera-express-app.js'
import { tesseraOnRedis } from '../lib/tessera-redis.js'

const { manager, cleanup } = await tesseraOnRedis('tessera-express-redis')
reportNodeServer(tesseraExpressApp(manager).listen(0, '127.0.0.1'), cleanup)
