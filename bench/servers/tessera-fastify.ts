// Tessera on Fastify 5 (@tessera/fastify) with Tessera's MemoryStore: the like-for-like
// twin of fastify-session.ts (@fastify/session's default memory store), same routes.
import { MemoryStore, SessionManager } from '@tessera/core'
import { benchSecret } from '../lib/bench-secret.js'
import { reportNodeServer } from '../lib/listen-node.js'
import { tesseraFastifyApp } from '../lib/tessera-fastify-app.js'

const app = await tesseraFastifyApp(
  new SessionManager({ store: new MemoryStore(), secret: benchSecret }),
)
await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server)
