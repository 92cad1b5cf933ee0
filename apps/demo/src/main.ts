import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { SessionManager } from '@tessera/core'
import { SqliteStore } from '@tessera/store-sqlite'
import { createApp } from './app.js'
import { loadConfig } from './config.js'

const config = loadConfig()
const store = new SqliteStore({ path: join(config.dataDir, 'sessions.sqlite3') })
const manager = new SessionManager({ store, secret: config.secret })
const app = createApp(manager)

// Expired rows are invisible already; this only reclaims their space.
const sweep = setInterval(
  () => {
    store
      .deleteExpired()
      .catch((e: unknown) => console.error('session sweep failed:', (e as Error).message))
  },
  60 * 60 * 1000,
)
sweep.unref()

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  const shownHost = info.address.includes(':') ? `[${info.address}]` : info.address
  console.log(`Tessera demo listening on http://${shownHost}:${info.port}`)
  console.log(`Sessions: SQLite at ${join(config.dataDir, 'sessions.sqlite3')}`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => {
      void store.close?.().finally(() => process.exit(0))
    })
  })
}
