// Tessera on Express 5 (@tessera/express) with PostgresStore over pg: the like-for-like
// twin of express-session-postgres.ts (connect-pg-simple) on the same shared PostgreSQL,
// same routes, same pool settings. Its table is this process's own and is dropped on exit.
import { reportNodeServer } from '../lib/listen-node.js'
import { tesseraExpressApp } from '../lib/tessera-express-app.js'
import { tesseraOnPostgres } from '../lib/tessera-postgres.js'

const { manager, cleanup } = await tesseraOnPostgres('tessera-express-postgres')
reportNodeServer(tesseraExpressApp(manager).listen(0, '127.0.0.1'), cleanup)
