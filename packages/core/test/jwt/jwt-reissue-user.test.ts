import {
  ConfigError,
  createTessera,
  getCsrfToken,
  introspectSessionJwt,
  type JwtKeySet,
  MemoryStore,
  type Session,
  SessionManager,
  type SessionManagerOptions,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, T0 } from '../support/harness.js'
import { edKeySet } from '../support/jwt-keys.js'
import {
  adaLoggedIn,
  countedUsers,
  jwtOf,
  jwtOptions,
  redisStores,
  storeCases,
  vettingHarness,
} from '../support/user-vetting.js'

// The app answers its own expired session JWT (within acceptExpired) with a fresh one,
// which store-less verifiers accept. With the manager's `users`, a session whose user
// the app no longer accepts gets no fresh token: it is flushed instead. A plain read
// never looks the user up.

const redis = redisStores()
let keys: JwtKeySet
beforeAll(async () => {
  keys = (await edKeySet()).keys
})
afterAll(() => redis.cleanUp())

const HOUR = 3_600_000

describe.each(storeCases(redis))(
  'session JWT re-issue and the session user ($name)',
  ({ make, ...c }) => {
    const skip = 'skip' in c && c.skip
    const setup = (options: Partial<SessionManagerOptions> = {}) =>
      vettingHarness(make, keys, options)

    /** One request carrying `token` as its cookie, through a route that does `use`. */
    async function send(
      t: ReturnType<typeof setup>,
      token: string,
      use: (s: Session) => Promise<unknown>,
    ) {
      const s = t.manager.open({ cookie: `sessionid=${token}`, secure: true })
      await use(s)
      return t.manager.commit(s)
    }

    // A route that touches the session without resolving the user (GET /api/csrf/).
    const csrfRoute = (s: Session) => getCsrfToken(s)

    it.skipIf(skip)(
      'control: a live user gets a fresh token for an expired one, after one user lookup',
      async () => {
        const t = setup()
        const stolen = await adaLoggedIn(t.manager, t.users)
        t.clock.advance(HOUR)
        t.counted.findById = 0
        const fresh = jwtOf(await send(t, stolen, csrfRoute))
        expect(fresh).toBeDefined()
        expect((await t.verify(fresh as string))?.sub).toBe('1')
        expect(t.counted.findById).toBe(1)
      },
    )

    it.skipIf(skip)(
      'a disabled user: an expired stolen token gets no fresh one; the session is flushed',
      async () => {
        const t = setup()
        const stolen = await adaLoggedIn(t.manager, t.users)
        t.disable('1')
        t.clock.advance(HOUR)
        expect(await t.verify(stolen)).toBeNull()
        const result = await send(t, stolen, csrfRoute)
        expect(jwtOf(result)).toBeUndefined()
        expect(result.setCookie.join('\n')).toMatch(/^sessionid=; .*Max-Age=0/m)
        // Flushed: the token leads nowhere any more, even to introspection without users.
        const again = await send(t, stolen, async (s) => expect(await s.getUserId()).toBeNull())
        expect(jwtOf(again)).toBeUndefined()
        expect(
          await introspectSessionJwt(
            new SessionManager({
              store: t.store,
              secret: SECRET,
              clock: t.clock.now,
              format: 'jwt',
              jwt: jwtOptions(keys),
            }),
            stolen,
          ),
        ).toEqual({ active: false })
      },
    )

    it.skipIf(skip)(
      'a password reset outside changePassword(): no fresh token; the session is flushed',
      async () => {
        const t = setup()
        const stolen = await adaLoggedIn(t.manager, t.users)
        await t.resetPassword('1')
        t.clock.advance(HOUR)
        expect(jwtOf(await send(t, stolen, csrfRoute))).toBeUndefined()
        await send(t, stolen, async (s) => expect(await s.getUserId()).toBeNull())
      },
    )

    it.skipIf(skip)(
      'a token past half its life (not expired) of a disabled user is not re-issued either',
      async () => {
        const t = setup()
        const token = await adaLoggedIn(t.manager, t.users)
        t.disable('1')
        t.clock.advance(200_000)
        expect(jwtOf(await send(t, token, csrfRoute))).toBeUndefined()
      },
    )

    it.skipIf(skip)(
      'sliding renewal of a fresh token: re-issued for a live user, not for a disabled one',
      async () => {
        const t = setup({ jwt: { ...jwtOptions(keys), ttl: 3600 }, renewalInterval: 60 })
        const token = await adaLoggedIn(t.manager, t.users)
        t.clock.advance(120_000) // renewal due; the token is far from half its life
        t.counted.findById = 0
        const renewed = jwtOf(await send(t, token, csrfRoute))
        expect((await t.verify(renewed as string))?.sub).toBe('1')
        expect(t.counted.findById).toBe(1)
        t.disable('1')
        t.clock.advance(120_000)
        expect(jwtOf(await send(t, renewed as string, csrfRoute))).toBeUndefined()
      },
    )

    it.skipIf(skip)(
      'a write by a disabled user is not saved and gets no token; a live user keeps writing',
      async () => {
        const t = setup()
        const token = await adaLoggedIn(t.manager, t.users)
        const written = jwtOf(await send(t, token, (s) => s.set('theme', 'dark')))
        expect((await t.verify(written as string))?.sub).toBe('1')
        t.disable('1')
        expect(
          jwtOf(await send(t, written as string, (s) => s.set('theme', 'light'))),
        ).toBeUndefined()
        await send(t, written as string, async (s) => {
          expect(await s.getUserId()).toBeNull()
          expect(await s.get('theme')).toBeUndefined()
        })
      },
    )

    it.skipIf(skip)('a plain read makes no user lookup and sends nothing', async () => {
      const t = setup()
      const token = await adaLoggedIn(t.manager, t.users)
      t.disable('1') // the session layer does not notice: getSessionUser is the app's check
      t.counted.findById = 0
      for (const use of [csrfRoute, (s: Session) => s.getUserId(), (s: Session) => s.get('x')]) {
        t.clock.advance(10_000)
        const result = await send(t, token, use)
        expect(result.setCookie).toEqual([])
      }
      expect(t.counted.findById).toBe(0)
    })
  },
)

describe('users option of the manager', () => {
  it('the opaque format never looks the user up, on renewal or on a write', async () => {
    const clock = new ManualClock(T0)
    const u = countedUsers()
    const manager = new SessionManager({
      store: new MemoryStore({ clock: clock.now }),
      secret: SECRET,
      clock: clock.now,
      users: u.users,
    })
    const s = manager.open({ cookie: undefined, secure: true })
    await s.setUser('1', 'hash')
    const cookie = (await manager.commit(s)).setCookie[0]?.split(';')[0] as string
    u.disable('1')
    u.counted.findById = 0
    clock.advance(HOUR)
    for (const use of [(x: Session) => x.get('a'), (x: Session) => x.set('a', 1)]) {
      const r = manager.open({ cookie, secure: true })
      await use(r)
      expect((await manager.commit(r)).setCookie).toHaveLength(1)
    }
    expect(u.counted.findById).toBe(0)
  })

  it('createTessera({ users }) hands them to its manager', async () => {
    const clock = new ManualClock(T0)
    const u = countedUsers()
    const { manager } = createTessera({
      store: new MemoryStore({ clock: clock.now }),
      secret: SECRET,
      clock: clock.now,
      format: 'jwt',
      jwt: jwtOptions(keys),
      users: u.users,
    })
    expect(manager.users).toBe(u.users)
    const stolen = await adaLoggedIn(manager, u.users)
    u.disable('1')
    clock.advance(HOUR)
    const s = manager.open({ cookie: `sessionid=${stolen}`, secure: true })
    await getCsrfToken(s)
    expect(jwtOf(await manager.commit(s))).toBeUndefined()
  })

  it('is validated at construction', () => {
    expect(
      () => new SessionManager({ store: new MemoryStore(), secret: SECRET, users: {} as never }),
    ).toThrow(new ConfigError('users must be a UserProvider (with findById())'))
  })
})
