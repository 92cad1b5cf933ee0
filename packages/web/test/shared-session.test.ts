import { MemoryStore, SessionManager, SharedSessions } from '@tessera/core'
import { withSession } from '@tessera/web'
import { describe, expect, it } from 'vitest'
import {
  SCENARIO_KEY,
  sharedSessionScenario,
} from '../../../test-support/shared-session-scenario.js'

const SECRET = 'web-test-secret-web-test-secret-0123456789'
const A = 'http://a.test'
const B = 'http://b.test'

function handler() {
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  const shared = new SharedSessions({ sites: [A, B], key: SCENARIO_KEY })
  return withSession(
    manager,
    async (request, { session }) => {
      const path = new URL(request.url).pathname
      if (path === '/login' && request.method === 'POST') {
        await session.setUser('alice')
        return Response.json({ ok: true })
      }
      if (path === '/me') return Response.json({ user: await session.getUserId() })
      return new Response('not found', { status: 404 })
    },
    { sharedSessions: shared },
  )
}

describe('@tessera/web withSession() with sharedSessions', () => {
  it('serves the loader, the script path and the redirect path (django-shared-session)', async () => {
    const fetchHandler = handler()
    await sharedSessionScenario(
      (url, headers, method = 'GET') => fetchHandler(new Request(url, { method, headers })),
      A,
      B,
    )
  })

  it('hands other requests to the wrapped handler', async () => {
    const fetchHandler = handler()
    expect((await fetchHandler(new Request(`${B}/shared-session/nope`))).status).toBe(404)
    expect((await fetchHandler(new Request(`${B}/me`))).status).toBe(200)
  })
})
