// Bare Fastify 5: the framework cost @fastify/session and Tessera's Fastify adapter sit on.
import Fastify from 'fastify'
import { reportNodeServer } from '../lib/listen-node.js'

const app = Fastify()
app.get('/', async () => ({ user: 'bench' }))

await app.listen({ port: 0, host: '127.0.0.1' })
reportNodeServer(app.server)
