// Tessera on Express 5 (@tessera/express) with Tessera's MemoryStore: the like-for-like
// twin of express-session.ts (express-session's default MemoryStore), same routes.
import { MemoryStore, SessionManager } from '@tessera/core'
import { benchSecret } from '../lib/bench-secret.js'
import { reportNodeServer } from '../lib/listen-node.js'
import { tesseraExpressApp } from '../lib/tessera-express-app.js'

const manager = new SessionManager({ store: new MemoryStore(), secret: benchSecret })
reportNodeServer(tesseraExpressApp(manager).listen(0, '127.0.0.1'))
