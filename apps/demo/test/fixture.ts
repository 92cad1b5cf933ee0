import {
  LoginThrottle,
  MemoryRateLimitStore,
  MemoryStore,
  type PasswordHasher,
  SessionManager,
} from '@tessera/core'
import { createPasswordHasher } from '@tessera/password'
import { createApp } from '../src/app.js'
import { SqliteUsers } from '../src/users.js'

export const SECRET = 'demo-test-secret-demo-test-secret-0123'

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

/** The demo app over in-memory stores with a cheap scrypt (cost is not what these tests test). */
export async function demo() {
  const store = new MemoryStore()
  const manager = new SessionManager({ store, secret: SECRET })
  const users = new SqliteUsers(':memory:')
  const { hasher, counts } = countingHasher(
    createPasswordHasher({ scrypt: { N: 1024, r: 8, p: 1 } }),
  )
  const throttle = new LoginThrottle({ store: new MemoryRateLimitStore(), keys: manager.keys })
  const admin = await users.create('admin', await hasher.hash('admin'))
  counts.hash = 0
  const app = createApp({
    manager,
    users,
    hasher,
    throttle,
    trustedOrigins: ['https://trusted.demo.test'],
    clientIp: (c) => c.req.header('x-test-client') ?? '192.0.2.1',
  })
  return { app, store, manager, users, hasher, counts, admin }
}
