// Peer: Express 5 + express-session with its default MemoryStore, configured the way its
// README recommends (no resave, no empty sessions).
import { expressSessionApp } from '../lib/express-session-app.js'
import { reportNodeServer } from '../lib/listen-node.js'

reportNodeServer(
  expressSessionApp().listen(0, '127.0.0.1', (error) => {
    if (error) throw error
  }),
)
