import { MemoryStore, SessionManager, SharedSessions } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import {
  SCENARIO_KEY,
  sharedSessionScenario,
} from '../../../test-support/shared-session-scenario.js'

const SECRET = 'hono-test-secret-hono-test-secret-0123456'
const A = 'http://a.test'
const B = 'http://b.test'

function app() {
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  const shared = new SharedSessions({ sites: [A, B], key: SCENARIO_KEY })
  const hono = new Hono<SessionEnv>()
  hono.use(session(manager, { sharedSessions: shared }))
  hono.post('/login', async (c) => {
    await c.var.session.setUser('alice')
    return c.json({ ok: true })
  })
  hono.get('/me', async (c) => c.json({ user: await c.var.session.getUserId() }))
  return hono
}

describe('@tessera/hono session() with sharedSessions', () => {
  it('serves the loader, the script path and the redirect path (django-shared-session)', async () => {
    const hono = app()
    await sharedSessionScenario(
      async (url, headers, method = 'GET') => hono.request(url, { method, headers }),
      A,
      B,
    )
  })

  it('passes other paths and unknown endpoints under the prefix on', async () => {
    const hono = app()
    hono.get('/shared-session/other', (c) => c.text('mine'))
    expect(await (await hono.request(`${B}/shared-session/other`)).text()).toBe('mine')
    expect((await hono.request(`${B}/me`)).status).toBe(200)
  })
})

describe('@tessera/hono session() with sharedSessions behind a TLS proxy', () => {
  it('reads the one trustProxy: an https site reached as http + X-Forwarded-Proto is served', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const sites = ['https://a.test', 'https://b.test']
    const hono = new Hono<SessionEnv>()
    const sharedSessions = new SharedSessions({ sites, key: SCENARIO_KEY })
    hono.use(session(manager, { trustProxy: true, sharedSessions }))
    const res = await hono.request('http://b.test/shared-session/loader.json', {
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })
})
