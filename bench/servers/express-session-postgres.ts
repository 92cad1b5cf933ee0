// Peer: Express 5 + express-session with connect-pg-simple (its PostgreSQL store),
// configured as express-session's README recommends (no resave, no empty sessions),
// against the shared PostgreSQL at 127.0.0.1:5432 through the same pool settings as the
// Tessera PostgreSQL targets. Its table is this process's own and is dropped on exit.
import { connectPgStore } from '../lib/connect-pg-store.js'
import { expressSessionApp } from '../lib/express-session-app.js'
import { reportNodeServer } from '../lib/listen-node.js'

const { store, cleanup } = await connectPgStore('express-session-postgres')
reportNodeServer(
  expressSessionApp(store).listen(0, '127.0.0.1', (error) => {
    if (error) throw error
  }),
  cleanup,
)
