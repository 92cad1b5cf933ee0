// Peer: Fastify 5 + @fastify/cookie + @fastify/session with its default memory store.
import { fastifySessionApp } from '../lib/fastify-session-app.js'
import { reportNodeServer } from '../lib/listen-node.js'

const app = await fastifySessionApp()
await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server)
