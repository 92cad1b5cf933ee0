import { MemoryStore, SessionManager, SharedSessions } from '@tessera/core'
import { session, storeErrorHandler } from '@tessera/express'
import { describe, expect, it } from 'vitest'
import {
  SCENARIO_KEY,
  sharedSessionScenario,
} from '../../../test-support/shared-session-scenario.js'
import { express, serve } from './lib/serve.js'

const SECRET = 'express-test-secret-express-test-secret-01'
const A = 'http://a.test'
const B = 'http://b.test'

function app() {
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  const shared = new SharedSessions({ sites: [A, B], key: SCENARIO_KEY })
  const e = express()
  e.use(session(manager, { sharedSessions: shared }))
  e.post('/login', async (req, res) => {
    await req.session.setUser('alice')
    res.json({ ok: true })
  })
  e.get('/me', async (req, res) => {
    res.json({ user: await req.session.getUserId() })
  })
  e.use((_req, res) => {
    res.status(404).send('not found')
  })
  e.use(storeErrorHandler())
  return e
}

describe('@tessera/express session() with sharedSessions', () => {
  it('serves the loader, the script path and the redirect path over real sockets (django-shared-session)', async () => {
    const server = await serve(app())
    try {
      await sharedSessionScenario(
        (url, headers, method = 'GET') => server.fetch(new Request(url, { method, headers })),
        A,
        B,
      )
      expect((await server.fetch(new Request(`${B}/shared-session/nope`))).status).toBe(404)
    } finally {
      await server.close?.()
    }
  })
})
