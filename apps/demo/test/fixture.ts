import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AuditTrail,
  type Clock,
  LoginThrottle,
  MemoryRateLimitStore,
  MemoryStore,
  type PasswordHasher,
  type RateLimitStore,
  SessionManagement,
  SessionManager,
} from '@tessera/core'
import { createPasswordHasher } from '@tessera/password'
import { afterEach } from 'vitest'
import { rawHttpFetch } from '../../../test-support/raw-http.js'
import { DEMO_ADAPTERS, type DemoAdapter } from '../src/adapter-server.js'
import { type AppDeps, createApp } from '../src/app.js'
import { DEFAULT_ALLOWED_HOSTS } from '../src/config.js'
import { createExpressApp } from '../src/express-app.js'
import { createFastifyApp } from '../src/fastify-app.js'
import { createFetchApp } from '../src/fetch-app.js'
import { SqliteUsers } from '../src/users.js'
import type { Requestable } from './client.js'

export const SECRET = 'demo-test-secret-demo-test-secret-0123'

/** The demo's default `ALLOWED_HOSTS` plus `demo.test`, the origin every test client uses. */
export const TEST_ALLOWED_HOSTS: readonly string[] = [...DEFAULT_ALLOWED_HOSTS, 'demo.test']

/** The adapters the demo API runs on; the contract tests run once per adapter. */
export const ADAPTERS = DEMO_ADAPTERS

/** Counts the expensive password operations, to prove equal work on every login path. */
export function countingHasher(inner: PasswordHasher) {
  const counts = { hash: 0, verify: 0 }
  const hasher: PasswordHasher = {
    hash: (p) => {
      counts.hash++
      return inner.hash(p)
    },
    verify: (p, e) => {
      counts.verify++
      return inner.verify(p, e)
    },
  }
  return { hasher, counts }
}

const open: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()))
})

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  )
}

/**
 * The demo API on one adapter, reached through its public entry point: Hono's
 * `app.request()` and the fetch handler in process, Express and Fastify over a real
 * socket (`rawHttpFetch` keeps the test origin in `Host`). Servers close after the test.
 */
async function mount(adapter: DemoAdapter, deps: AppDeps): Promise<Requestable> {
  switch (adapter) {
    case 'hono':
      return createApp(deps)
    case 'web': {
      const fetch = createFetchApp(deps)
      return { request: (input, init) => fetch(new Request(input, init)) }
    }
    case 'express': {
      const server = http.createServer(createExpressApp(deps))
      const port = await listen(server)
      open.push(
        () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      )
      return { request: (input, init) => rawHttpFetch(new Request(input, init), port) }
    }
    case 'fastify': {
      const app = await createFastifyApp(deps)
      await app.listen({ host: '127.0.0.1', port: 0 })
      const { port } = app.server.address() as AddressInfo
      open.push(() => app.close())
      return { request: (input, init) => rawHttpFetch(new Request(input, init), port) }
    }
  }
}

/**
 * What a test may change about the demo: the clock, the session cap, the audit trail,
 * where the login-throttle counters live, and a wrapper around the password hasher.
 */
export interface DemoOptions {
  clock?: Clock
  /** @default a new MemoryRateLimitStore */
  rateLimitStore?: RateLimitStore
  /** Wraps the (cheap scrypt) hasher the demo checks passwords with, e.g. to hold calls. */
  wrapHasher?: (hasher: PasswordHasher) => PasswordHasher
  maxSessionsPerUser?: number
  freshAge?: number
  audit?: (manager: SessionManager) => AuditTrail
}

/**
 * The demo app over in-memory stores with a cheap scrypt (cost is not what these tests
 * test), mounted on `adapter` (Hono by default).
 */
export async function demo(adapter: DemoAdapter = 'hono', options: DemoOptions = {}) {
  const clock = options.clock ?? Date.now
  const store = new MemoryStore({ clock })
  const manager = new SessionManager({ store, secret: SECRET, clock })
  const users = new SqliteUsers(':memory:')
  const scrypt = createPasswordHasher({ scrypt: { N: 1024, r: 8, p: 1, allowWeak: true } })
  const { hasher, counts } = countingHasher(options.wrapHasher?.(scrypt) ?? scrypt)
  const throttle = new LoginThrottle({
    store: options.rateLimitStore ?? new MemoryRateLimitStore(),
    keys: manager.keys,
  })
  const admin = await users.create('admin', await hasher.hash('admin'))
  counts.hash = 0
  const audit = options.audit?.(manager)
  const management = new SessionManagement({
    store,
    users,
    hasher,
    clock,
    maxSessionsPerUser: options.maxSessionsPerUser ?? 10,
    ...(options.freshAge === undefined ? {} : { freshAge: options.freshAge }),
    ...(audit ? { audit } : {}),
  })
  const app = await mount(adapter, {
    manager,
    users,
    hasher,
    throttle,
    management,
    trustedOrigins: ['https://trusted.demo.test'],
    allowedHosts: TEST_ALLOWED_HOSTS,
    clientIp: (request) => request.header('x-test-client') ?? '192.0.2.1',
  })
  return { app, store, manager, users, hasher, counts, admin, management, audit }
}
