import {
  createTessera,
  getSessionUser,
  introspectionEndpoint,
  introspectSessionJwt,
  type JwtKeySet,
  MemoryStore,
  SessionManager,
} from '@tessera/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { plainHasher } from '../management/fixture.js'
import { SECRET } from '../support/harness.js'
import { edKeySet } from '../support/jwt-keys.js'
import {
  adaLoggedIn,
  jwtOptions,
  redisStores,
  storeCases,
  vettingHarness,
} from '../support/user-vetting.js'

// RFC 7662 §2.2: "active" means the app itself would honour the token. The app's
// getSessionUser refuses a session whose user is gone, disabled, or changed password
// since login; with `users`, introspection gives the same answer, and writes nothing.

const CREDENTIAL = 'introspection-credential-0123456789abcdef'
const redis = redisStores()
let keys: JwtKeySet
beforeAll(async () => {
  keys = (await edKeySet()).keys
})
afterAll(() => redis.cleanUp())

async function ask(introspect: (r: Request) => Promise<Response>, token: string) {
  const res = await introspect(
    new Request('http://app.test/introspect/', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${CREDENTIAL}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    }),
  )
  expect(res.status).toBe(200)
  return (await res.json()) as { active: boolean; sub?: string }
}

describe.each(storeCases(redis))('introspection and the session user ($name)', ({ make, ...c }) => {
  const skip = 'skip' in c && c.skip
  const setup = (managerUsers = false) => vettingHarness(make, keys, { managerUsers })

  /** The endpoint, asking `t`'s users of its own. */
  const endpoint = (t: ReturnType<typeof setup>) =>
    introspectionEndpoint({ manager: t.manager, users: t.users, credentials: [CREDENTIAL] })

  /** What the app itself says of the token: its user, read without committing. */
  async function appUser(t: ReturnType<typeof setup>, token: string) {
    return getSessionUser(t.manager.open({ cookie: `sessionid=${token}`, secure: true }), t.users)
  }

  it.skipIf(skip)(
    'a live user with a matching auth hash is active, with one user lookup',
    async () => {
      const t = setup()
      const introspect = endpoint(t)
      const token = await adaLoggedIn(t.manager, t.users)
      t.counted.findById = 0
      expect(await ask(introspect, token)).toMatchObject({ active: true, sub: '1' })
      expect(t.counted.findById).toBe(1)
    },
  )

  it.skipIf(skip)(
    'a disabled user: inactive, like the app; the session is not flushed by the question',
    async () => {
      const t = setup()
      const introspect = endpoint(t)
      const token = await adaLoggedIn(t.manager, t.users)
      expect(await introspectSessionJwt(t.manager, token, t.users)).toMatchObject({ active: true })
      t.disable('1')
      expect(await ask(introspect, token)).toEqual({ active: false })
      expect(await introspectSessionJwt(t.manager, token, t.users)).toEqual({ active: false })
      // Nothing written: without `users` the session still answers active (it was not ended).
      expect(await introspectSessionJwt(t.manager, token)).toMatchObject({ active: true })
      expect(await appUser(t, token)).toBeNull()
    },
  )

  it.skipIf(skip)('a password reset outside changePassword(): inactive, like the app', async () => {
    const t = setup()
    const introspect = endpoint(t)
    const token = await adaLoggedIn(t.manager, t.users)
    await t.resetPassword('1')
    expect(await ask(introspect, token)).toEqual({ active: false })
    expect(await appUser(t, token)).toBeNull()
  })

  it.skipIf(skip)('a user deleted from the table: inactive', async () => {
    const t = setup()
    const token = await adaLoggedIn(t.manager, t.users)
    const gone = { ...t.users, findById: async () => null }
    expect(await introspectSessionJwt(t.manager, token, gone)).toEqual({ active: false })
  })

  it.skipIf(skip)("without users of its own it uses the manager's", async () => {
    const t = setup(true)
    const introspect = introspectionEndpoint({ manager: t.manager, credentials: [CREDENTIAL] })
    const token = await adaLoggedIn(t.manager, t.users)
    expect(await ask(introspect, token)).toMatchObject({ active: true, sub: '1' })
    t.disable('1')
    expect(await ask(introspect, token)).toEqual({ active: false })
    expect(await introspectSessionJwt(t.manager, token)).toEqual({ active: false })
  })

  it.skipIf(skip)(
    'without users anywhere, a disabled user stays active until endUserSessions() (documented)',
    async () => {
      const t = setup()
      const introspect = introspectionEndpoint({ manager: t.manager, credentials: [CREDENTIAL] })
      const token = await adaLoggedIn(t.manager, t.users)
      t.disable('1')
      expect(await ask(introspect, token)).toMatchObject({ active: true })
      const tessera = createTessera({ store: t.store, secret: SECRET, clock: t.clock.now })
      const management = tessera.management({ users: t.users, hasher: plainHasher })
      expect(await management.endUserSessions('1')).toBe(1)
      expect(await ask(introspect, token)).toEqual({ active: false })
    },
  )

  it.skipIf(skip)(
    'createTessera({ users }) gives them to introspection through its manager',
    async () => {
      const t = setup()
      const tessera = createTessera({
        store: t.store,
        secret: SECRET,
        clock: t.clock.now,
        format: 'jwt',
        jwt: jwtOptions(keys),
        users: t.users,
      })
      const introspect = introspectionEndpoint({
        manager: tessera.manager,
        credentials: [CREDENTIAL],
      })
      const token = await adaLoggedIn(tessera.manager, t.users)
      expect(await ask(introspect, token)).toMatchObject({ active: true })
      await t.resetPassword('1')
      expect(await ask(introspect, token)).toEqual({ active: false })
    },
  )
})

describe('introspection users option', () => {
  it('is validated at setup', () => {
    const manager = new SessionManager({
      store: new MemoryStore(),
      secret: SECRET,
      format: 'jwt',
      jwt: jwtOptions(keys),
    })
    expect(() =>
      introspectionEndpoint({ manager, credentials: [CREDENTIAL], users: {} as never }),
    ).toThrow('users must be a UserProvider (with findById())')
  })
})
