import type { SessionManager } from '@tessera/core'
import { tesseraSession } from '@tessera/fastify'
import Fastify, { type FastifyInstance } from 'fastify'

/**
 * The bench's two session routes on Fastify 5 with `@tessera/fastify`, the same as the
 * @fastify/session servers: `GET /login` stores `user: 'bench'`, `GET /` answers
 * `{"user": …}`, `GET /write` changes the session (a counter), `GET /count` reads it. Default plugin options (no CSRF: the peers have none either).
 *
 * @example
 * ```ts
 * const app = await tesseraFastifyApp(new SessionManager({ store: new MemoryStore(), secret }))
 * ```
 */
export async function tesseraFastifyApp(manager: SessionManager): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(tesseraSession, { manager })
  app.get('/login', async (request) => {
    await request.session.set('user', 'bench')
    return { ok: true }
  })
  app.get('/', async (request) => ({ user: (await request.session.get('user')) ?? null }))
  app.get('/write', async (request) => {
    await request.session.set('n', (Number(await request.session.get('n')) || 0) + 1)
    return { ok: true }
  })
  app.get('/count', async (request) => ({ n: (await request.session.get('n')) ?? 0 }))
  return app
}
