// Bare Fastify 5 plus the least a session plugin adds there: a decorated request
// property set in a callback `onRequest` hook, a callback `onSend` hook, an async route
// answering the property. No session, no cookie, no `Vary` (lib/fastify-hooks-app.ts).
import { fastifyHooksApp } from '../lib/fastify-hooks-app.js'
import { reportNodeServer } from '../lib/listen-node.js'

const app = fastifyHooksApp()

await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server)
