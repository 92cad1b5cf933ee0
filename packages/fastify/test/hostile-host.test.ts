import type { AddressInfo } from 'node:net'
import { type AuthUser, MemoryStore, SessionManager, type UserProvider } from '@tessera/core'
import { tesseraSession } from '@tessera/fastify'
import { rawRequest } from '@tessera/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'

// Fastify builds no URL of its own: the plugin builds one from `Host` and `request.url`.
// A `Host` with a `/` in it must neither pass `allowedHosts` nor move the path that
// `loginRequired` reads away from the one Fastify routes on. Sent over a socket: fetch
// and inject both rebuild the Host.

const SECRET = 'fastify-hostile-host-secret-fastify-hostile-0'
const users: UserProvider<AuthUser> = {
  findByUsername: async () => null,
  findById: async () => null,
  replacePasswordHash: async () => true,
}

const open: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()))
})

async function start(allowedHosts?: string[]): Promise<string> {
  const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
  const app = Fastify()
  await app.register(tesseraSession, {
    manager,
    users,
    loginRequired: { paths: ['/members/'] },
    ...(allowedHosts === undefined ? {} : { allowedHosts }),
  })
  app.get('/members/plain', async () => ({ plain: true }))
  app.get('/static', async () => 'static')
  await app.listen({ host: '127.0.0.1', port: 0 })
  open.push(app)
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

describe('Fastify: a hostile Host or request target', () => {
  it('never moves the path loginRequired reads (no allowedHosts)', async () => {
    const url = await start()
    expect((await rawRequest(url, '/members/plain', 'adapter.test')).status).toBe(401)
    for (const host of ['adapter.test/x', 'adapter.test/members/x?', 'adapter.test?', 'a#']) {
      const res = await rawRequest(url, '/members/plain', host)
      expect({ host, status: res.status }).toEqual({ host, status: 401 })
    }
    // An absolute-form target is routed by its path: still in the group.
    const absolute = await rawRequest(url, 'http://other.test/members/plain', 'adapter.test')
    expect(absolute.status).toBe(401)
    expect((await rawRequest(url, '/static', 'adapter.test/x')).status).toBe(200)
  })

  it('with allowedHosts, a Host with anything after the allowed host is 400', async () => {
    const url = await start(['adapter.test'])
    expect((await rawRequest(url, '/static', 'adapter.test')).status).toBe(200)
    for (const host of [
      'adapter.test/x',
      'adapter.test?x',
      'adapter.test#x',
      'adapter.test\\@e.x',
    ]) {
      const res = await rawRequest(url, '/members/plain', host)
      expect({ host, status: res.status }).toEqual({ host, status: 400 })
      expect(await res.json()).toMatchObject({ code: 'DISALLOWED_HOST' })
    }
  })
})
