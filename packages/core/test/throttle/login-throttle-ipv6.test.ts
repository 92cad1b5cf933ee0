import { Keyring, LoginThrottle } from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { rateLimitStoreCases } from '../../../../test-support/rate-limit-store-cases.js'

// An IPv6 client owns at least a /64 and can send every attempt from a new address in
// it. The per-client (20) and account-and-client (5) counters must count the /64, or
// only the per-account counter is left and spraying usernames is unlimited.

const keys = new Keyring('throttle-secret-throttle-secret-012345')
const stores = await rateLimitStoreCases('ipv6')
afterAll(() => stores.cleanUp())

/** A different address of 2001:db8:1:2::/64 each time, each in a different spelling. */
function rotating(i: number): string {
  const iid = [i + 1, 0xbeef, i * 7, 0x1000 + i].map((g) => g.toString(16))
  const spellings = [
    `2001:db8:1:2:${iid.join(':')}`,
    `[2001:DB8:0001:0002:${iid.join(':').toUpperCase()}]:${40000 + i}`,
    `2001:db8:1:2:${iid[0]}:${iid[1]}:0.${i}.16.${i}`,
    ` 2001:0db8:1:2:${iid.join(':')}%eth0 `,
  ]
  return spellings[i % spellings.length] as string
}

describe.each(stores.cases)(
  'IPv6 clients on the login throttle (%s store)',
  (_name, skip, make) => {
    const setup = (options: { ipv6Prefix?: number } = {}) =>
      new LoginThrottle({ store: make(), keys, clock: new ManualClock().now, ...options })

    it.skipIf(skip)(
      'rotating addresses within one /64 across usernames: refused at 20',
      async () => {
        const t = setup()
        for (let i = 0; i < 20; i++) {
          expect(await t.reserve(`user${i}`, rotating(i))).toMatchObject({ allowed: true })
        }
        for (let i = 20; i < 25; i++) {
          expect(await t.reserve(`user${i}`, rotating(i))).toEqual({
            allowed: false,
            retryAfter: 900,
          })
        }
        // Another /64 is another client.
        expect(await t.reserve('user99', '2001:db8:1:3::1')).toMatchObject({ allowed: true })
      },
    )

    it.skipIf(skip)('rotating addresses within one /64 on one account: refused at 5', async () => {
      const t = setup()
      for (let i = 0; i < 5; i++) {
        expect(await t.reserve('ada', rotating(i))).toMatchObject({ allowed: true })
      }
      expect(await t.reserve('ada', rotating(5))).toEqual({ allowed: false, retryAfter: 900 })
      expect(await t.reserve('Ada', '2001:db8:1:2:ffff:ffff:ffff:ffff')).toMatchObject({
        allowed: false,
      })
    })

    it.skipIf(skip)('IPv4-mapped and plain IPv4 are one client', async () => {
      const t = setup()
      const spellings = ['203.0.113.7', '::ffff:203.0.113.7', '[::FFFF:cb00:7107]:443']
      for (let i = 0; i < 5; i++) {
        expect(await t.reserve('ada', spellings[i % 3] as string)).toMatchObject({ allowed: true })
      }
      for (const client of spellings) {
        expect(await t.reserve('ada', client)).toMatchObject({ allowed: false })
      }
    })

    it.skipIf(skip)('ipv6Prefix: 48 groups a /48 as one client', async () => {
      const t = setup({ ipv6Prefix: 48 })
      for (let i = 0; i < 5; i++) {
        expect(await t.reserve('ada', `2001:db8:1:${i}::1`)).toMatchObject({ allowed: true })
      }
      expect(await t.reserve('ada', '2001:db8:1:ffff::1')).toMatchObject({ allowed: false })
      expect(await t.reserve('ada', '2001:db8:2::1')).toMatchObject({ allowed: true })
    })
  },
)
