import { MemoryStore, SessionManager, SharedSessions } from '@tessera/core'
import { tesseraSession } from '@tessera/fastify'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import {
  SCENARIO_KEY,
  sharedSessionScenario,
} from '../../../test-support/shared-session-scenario.js'
import { injectRequest } from './web-bridge.js'

const SECRET = 'fastify-test-secret-fastify-test-secret-01'
const A = 'http://a.test'
const B = 'http://b.test'

async function app() {
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  const shared = new SharedSessions({ sites: [A, B], key: SCENARIO_KEY })
  const fastify = Fastify({ trustProxy: '127.0.0.1' })
  await fastify.register(tesseraSession, { manager, sharedSessions: shared })
  fastify.post('/login', async (request) => {
    await request.session.setUser('alice')
    return { ok: true }
  })
  fastify.get('/me', async (request) => ({ user: await request.session.getUserId() }))
  await fastify.ready()
  return fastify
}

describe('@tessera/fastify tesseraSession with sharedSessions', () => {
  it('serves the loader, the script path and the redirect path (django-shared-session)', async () => {
    const fastify = await app()
    try {
      await sharedSessionScenario(
        (url, headers, method = 'GET') =>
          injectRequest(fastify, new Request(url, { method, headers })),
        A,
        B,
      )
      expect((await injectRequest(fastify, new Request(`${B}/shared-session/nope`))).status).toBe(
        404,
      )
    } finally {
      await fastify.close()
    }
  })
})
