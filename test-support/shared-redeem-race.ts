import { SessionManager, type SessionStore, SharedSessions } from '@tessera/core'
import { applyCommit } from '@tessera/core/adapter'
import { expect } from 'vitest'

const SECRET = 'test-secret-test-secret-test-secret-0123'
const A = 'http://a.test'
const B = 'http://b.test'
const KEY = 'transfer-key-transfer-key-transfer-key-0001'
const UA = 'Race/1.0'

/**
 * Two app instances (a SessionManager each, on their own store client) over one store:
 * a session logged in through the first is shared to site B by one script payload, and
 * `redeemers` browsers present that same payload at once, alternating between the two
 * instances. Exactly one redemption may win; the winner's cookie loads the session
 * through either instance. `stores` are two clients of the same database.
 */
export async function sharedRedeemRace(
  stores: [SessionStore, SessionStore],
  redeemers = 8,
): Promise<void> {
  const instances = stores.map((store) => ({
    manager: new SessionManager({ store, secret: SECRET }),
    shared: new SharedSessions({ sites: [A, B], key: KEY }),
  }))
  const first = instances[0] as (typeof instances)[number]
  const login = first.manager.open({ cookie: undefined, secure: false })
  await login.setUser('alice')
  const cookie = (await first.manager.commit(login)).setCookie[0]?.split(';')[0] as string
  const page = first.manager.open({ cookie, secure: false })
  const [url] = await first.shared.loaderUrls(
    new Request(`${A}/`, { headers: { 'user-agent': UA } }),
    page,
  )
  await first.manager.commit(page)
  expect(url).toMatch(/^http:\/\/b\.test\/shared-session\//)

  const results = await Promise.all(
    Array.from({ length: redeemers }, async (_, i) => {
      const { manager, shared } = instances[i % 2] as (typeof instances)[number]
      // As a <script> on a page of A loads it: the script path redeems nothing else.
      const request = new Request(url as string, {
        headers: {
          'user-agent': UA,
          'sec-fetch-dest': 'script',
          'sec-fetch-site': 'cross-site',
          referer: `${A}/`,
        },
      })
      const session = manager.open({ cookie: undefined, secure: false })
      const response = (await shared.handle(request, session)) as Response
      const headers = new Headers(response.headers)
      applyCommit(headers, await manager.commit(session))
      return { status: response.status, cookies: headers.getSetCookie() }
    }),
  )
  const winners = results.filter((r) => r.status === 200)
  expect(winners).toHaveLength(1)
  expect(results.filter((r) => r.status === 400)).toHaveLength(redeemers - 1)
  for (const loser of results.filter((r) => r.status === 400)) expect(loser.cookies).toEqual([])
  const won = winners[0]?.cookies.find((c) => c.startsWith('sessionid='))?.split(';')[0] as string
  for (const { manager } of instances) {
    const session = manager.open({ cookie: won, secure: false })
    expect(await session.getUserId()).toBe('alice')
  }
}
