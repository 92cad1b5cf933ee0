import {
  LoginThrottle,
  MemoryStore,
  type RateLimitStore,
  SessionManagement,
  SessionManager,
} from '@tessera/core'
import { createPasswordHasher } from '@tessera/password'
import { afterAll, describe, expect, it } from 'vitest'
import { rateLimitStoreCases } from '../../../test-support/rate-limit-store-cases.js'
import { createApp } from '../src/app.js'
import { SqliteUsers } from '../src/users.js'
import { Client } from './client.js'
import { countingHasher, SECRET, TEST_ALLOWED_HOSTS } from './fixture.js'

// SECURITY.md: logins are "throttled per account and per client". Behind its proxy
// (TRUST_PROXY) the demo takes the client from the last X-Forwarded-For entry. One IPv6
// client owns at least a /64 (every home line and VPS gets one) and may send each
// attempt from a new address in it, written however it likes: the throttle must count
// the /64, or only the per-account limit is left and spraying usernames buys unlimited
// scrypt computations.

const stores = await rateLimitStoreCases('demo-ipv6')
afterAll(() => stores.cleanUp())

async function demoBehindProxy(rateLimitStore: RateLimitStore) {
  const store = new MemoryStore()
  const manager = new SessionManager({ store, secret: SECRET })
  const users = new SqliteUsers(':memory:')
  const { hasher, counts } = countingHasher(
    createPasswordHasher({ scrypt: { N: 1024, r: 8, p: 1, allowWeak: true } }),
  )
  await users.create('admin', await hasher.hash('admin'))
  counts.hash = 0
  const throttle = new LoginThrottle({ store: rateLimitStore, keys: manager.keys })
  const management = new SessionManagement({ store, users, hasher })
  const app = createApp({
    manager,
    users,
    hasher,
    throttle,
    management,
    trustProxy: true,
    allowedHosts: TEST_ALLOWED_HOSTS,
  })
  /** One wrong login of `username` from `ip`, a fresh browser each time; its status. */
  const attempt = async (username: string, ip: string) => {
    const browser = new Client(app)
    // The proxy appends the peer; whatever the client sent before it is not believed.
    const headers = { 'x-forwarded-for': `198.51.100.99, ${ip}` }
    await browser.request('/api/csrf/', { headers })
    const res = await browser.request('/api/login/', {
      json: { username, password: 'guess' },
      headers,
    })
    return res.status
  }
  return { attempt, counts }
}

/** Address `i` of 2001:db8:1:2::/64, in one of the spellings a proxy or client may use. */
function inOneSlash64(i: number): string {
  const low = (i + 1).toString(16)
  return [
    `2001:db8:1:2::${low}`,
    `2001:DB8:1:2:0:0:0:${low.toUpperCase()}`,
    `[2001:db8:1:2:abcd::${low}]:443`,
    `2001:0db8:0001:0002:${low}::1`,
    `2001:db8:1:2::${i}.0.0.1`,
  ][i % 5] as string
}

describe.each(stores.cases)(
  'the login throttle counts an IPv6 /64 as one client (%s)',
  (_, skip, make) => {
    it.skipIf(skip)(
      'control: one IPv4 address is 429 after 20 failures across usernames',
      async () => {
        const { attempt } = await demoBehindProxy(make())
        const statuses: number[] = []
        for (let i = 0; i < 25; i++) statuses.push(await attempt(`user${i}`, '198.51.100.7'))
        expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401))
        expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429])
      },
    )

    it.skipIf(skip)(
      '25 failures across usernames from rotating addresses of one /64: the last 5 are 429 and never reach scrypt',
      async () => {
        const { attempt, counts } = await demoBehindProxy(make())
        const statuses: number[] = []
        for (let i = 0; i < 25; i++) statuses.push(await attempt(`user${i}`, inOneSlash64(i)))
        expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401))
        expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429])
        // Unknown usernames cost a full hash too: 20 scrypt computations, no more.
        expect(counts.hash + counts.verify).toBe(20)
        // A neighbour in another /64 is another client.
        expect(await attempt('user99', '2001:db8:1:3::1')).toBe(401)
      },
    )

    it.skipIf(skip)(
      '8 guesses on admin from rotating addresses of one /64: from the 6th, 429',
      async () => {
        const { attempt } = await demoBehindProxy(make())
        const statuses: number[] = []
        for (let i = 0; i < 8; i++) statuses.push(await attempt('admin', inOneSlash64(i)))
        expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429])
      },
    )

    it.skipIf(skip)(
      'an IPv4-mapped address is the same client as the plain IPv4 address',
      async () => {
        const { attempt } = await demoBehindProxy(make())
        const spellings = ['203.0.113.7', '::ffff:203.0.113.7', '::ffff:cb00:7107']
        const statuses: number[] = []
        for (let i = 0; i < 6; i++)
          statuses.push(await attempt('admin', spellings[i % 3] as string))
        expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
      },
    )
  },
)
