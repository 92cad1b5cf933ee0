// Peer: Express 5 + express-session with connect-redis on node-redis (the client
// connect-redis documents), configured as its README recommends (no resave, no empty
// sessions), against the shared Redis at 127.0.0.1:6379. Keys carry this process's own
// prefix and are deleted (SCAN + DEL) on exit; nothing else in that Redis is touched.

import { connectRedisStore } from '../lib/connect-redis-store.js'
import { expressSessionApp } from '../lib/express-session-app.js'
import { reportNodeServer } from '../lib/listen-node.js'

const { store, cleanup } = await connectRedisStore('express-session-redis')
reportNodeServer(
  expressSessionApp(store).listen(0, '127.0.0.1', (error) => {
    if (error) throw error
  }),
  cleanup,
)
