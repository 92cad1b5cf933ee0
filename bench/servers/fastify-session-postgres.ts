// Peer: Fastify 5 + @fastify/cookie + @fastify/session with connect-pg-simple
// (@fastify/session accepts express-session-compatible stores), against the shared
// PostgreSQL at 127.0.0.1:5432 through the same pool settings as the Tessera PostgreSQL
// targets. Its table is this process's own and is dropped on exit.
import type fastifySession from '@fastify/session'
import { connectPgStore } from '../lib/connect-pg-store.js'
import { fastifySessionApp } from '../lib/fastify-session-app.js'
import { reportNodeServer } from '../lib/listen-node.js'

const { store, cleanup } = await connectPgStore('fastify-session-postgres')
const app = await fastifySessionApp(store as unknown as fastifySession.SessionStore)
await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server, cleanup)
