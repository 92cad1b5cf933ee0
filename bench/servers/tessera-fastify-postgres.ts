// Tessera on Fastify 5 (@tessera/fastify) with PostgresStore over pg: the like-for-like
// twin of fastify-session-postgres.ts (connect-pg-simple) on the same shared PostgreSQL,
// same routes, same pool settings. Its table is this process's own and is dropped on exit.
import { reportNodeServer } from '../lib/listen-node.js'
import { tesseraFastifyApp } from '../lib/tessera-fastify-app.js'
import { tesseraOnPostgres } from '../lib/tessera-postgres.js'

const { manager, cleanup } = await tesseraOnPostgres('tessera-fastify-postgres')
const app = await tesseraFastifyApp(manager)
await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server, cleanup)
