// Bare Express 5 plus one Redis read per request and nothing else (`expressReadFloorApp`):
// a middleware that reads one session-shaped hash as RedisStore reads a session
// (`openFloorRedisRead`: one HMGET, corked until the turn ends) and keeps the user on
// `res.locals`; the route answers it. No session, no cookie.
import { expressReadFloorApp } from '../lib/express-read-floor-app.js'
import { openFloorRedisRead } from '../lib/floor-redis-read.js'
import { reportNodeServer } from '../lib/listen-node.js'

const floor = await openFloorRedisRead('express-redis-floor')

reportNodeServer(
  expressReadFloorApp(floor).listen(0, '127.0.0.1', (error) => {
    if (error) throw error
  }),
  () => floor.close(),
)
