import { MemoryStore, publicSessionId, SessionManagement } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { loginBurst } from '../../../../test-support/login-burst.js'
import { T0 } from '../support/harness.js'
import { DESKTOP, LAPTOP, PHONE, plainHasher, setup, userTable } from './fixture.js'

const MINUTE = 60_000

describe('listing a user’s sessions', () => {
  it('lists every session of the user with device metadata and marks the current one', async () => {
    const { clock, act, loginDevice, management } = setup()
    const laptop = await loginDevice('ada', LAPTOP, '192.0.2.10')
    clock.advance(MINUTE)
    const phone = await loginDevice('ada', PHONE, '198.51.100.7')
    await loginDevice('bob', DESKTOP, '203.0.113.5')

    const rows = await act(phone, (s) => management.list(s))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({
      current: true,
      browser: 'Safari 17',
      os: 'iOS 17.4',
      device: 'mobile',
      label: 'Safari 17 on iOS 17.4',
      ip: '198.51.100.7',
      userAgent: PHONE,
      createdAt: T0 + MINUTE,
      lastSeenAt: T0 + MINUTE,
    })
    expect(rows[1]).toMatchObject({
      current: false,
      label: 'Chrome 131 on macOS',
      ip: '192.0.2.10',
      createdAt: T0,
    })
    for (const row of rows) expect(row.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    // Seen from the laptop, the laptop is the current one.
    const fromLaptop = await act(laptop, (s) => management.list(s))
    expect(fromLaptop.map((r) => r.current)).toEqual([true, false])
    expect(fromLaptop[0]?.id).toBe(rows[1]?.id)
  })

  it('shows public ids, never the store ids or anything of a credential', async () => {
    const { store, act, loginDevice, manager, management } = setup()
    const laptop = await loginDevice('ada')
    const rows = await act(laptop, (s) => management.list(s))
    const [record] = await store.listByUser('1')
    const credential = laptop.cookie?.split('=')[1] as string
    const json = JSON.stringify(rows)
    for (const secret of [record?.id, ...credential.split('.')]) {
      expect(json).not.toContain(secret)
    }
    expect(rows[0]?.id).toBe(await publicSessionId(manager.keys, record?.id as string))
  })

  it('lists nothing for an anonymous session, and not the sessions of an older password', async () => {
    const { act, loginDevice, byId, management, store } = setup()
    expect(await act({ userAgent: LAPTOP, ip: '192.0.2.1' }, (s) => management.list(s))).toEqual([])
    await loginDevice('ada', LAPTOP)
    // An admin resets the password behind the library's back: that session is dead now.
    ;(byId.get('1') as { passwordHash: string }).passwordHash = 'plain$ada-new'
    const phone = { userAgent: PHONE, ip: '192.0.2.2', cookie: undefined as string | undefined }
    await act(phone, async (s) => {
      const user = await management.authenticate('ada', 'ada-new')
      await management.login(s, user as NonNullable<typeof user>)
    })
    expect(await store.listByUser('1')).toHaveLength(2)
    const rows = await act(phone, (s) => management.list(s))
    expect(rows.map((r) => r.label)).toEqual(['Safari 17 on iOS 17.4'])
  })
})

describe('revoking sessions', () => {
  it('revokes one session of the user by public id; that device is logged out at once', async () => {
    const { act, loginDevice, whoami, management, events, audit } = setup()
    const laptop = await loginDevice('ada', LAPTOP)
    const phone = await loginDevice('ada', PHONE)
    const other = (await act(laptop, (s) => management.list(s))).find((r) => !r.current)
    expect(other?.label).toBe('Safari 17 on iOS 17.4')

    expect(await act(laptop, (s) => management.revoke(s, other?.id as string))).toEqual({
      current: false,
    })
    expect(await whoami(phone)).toBeNull()
    expect(await whoami(laptop)).toBe('1')
    expect(await act(laptop, (s) => management.list(s))).toHaveLength(1)
    // Revoked already: a second try finds nothing.
    expect(await act(laptop, (s) => management.revoke(s, other?.id as string))).toBeNull()
    await audit.flush()
    expect(events.filter((e) => e.type === 'revoke')).toEqual([
      expect.objectContaining({ reason: 'one', count: 1 }),
    ])
  })

  it('never revokes another user’s session, a malformed id, or anything for an anonymous caller', async () => {
    const { act, loginDevice, whoami, management } = setup()
    const ada = await loginDevice('ada')
    const bob = await loginDevice('bob', DESKTOP)
    const bobsId = (await act(bob, (s) => management.list(s)))[0]?.id as string
    expect(await act(ada, (s) => management.revoke(s, bobsId))).toBeNull()
    for (const bad of [
      '',
      'x',
      `${bobsId}x`,
      '../../etc/passwd',
      'A'.repeat(22),
      '\u0000'.repeat(22),
    ]) {
      expect(await act(ada, (s) => management.revoke(s, bad))).toBeNull()
    }
    expect(
      await act({ userAgent: LAPTOP, ip: '192.0.2.9' }, (s) => management.revoke(s, bobsId)),
    ).toBeNull()
    expect(await whoami(bob)).toBe('2')
  })

  it('revoking the current session logs it out and clears its cookie', async () => {
    const { act, loginDevice, whoami, management } = setup()
    const laptop = await loginDevice('ada')
    const cookie = laptop.cookie
    const mine = (await act(laptop, (s) => management.list(s)))[0]?.id as string
    expect(await act(laptop, (s) => management.revoke(s, mine))).toEqual({ current: true })
    expect(laptop.cookie).toBeUndefined()
    expect(await whoami({ ...laptop, cookie })).toBeNull()
  })

  it('revokeOthers ends every other session of the user and keeps this one', async () => {
    const { act, loginDevice, whoami, management } = setup()
    const laptop = await loginDevice('ada', LAPTOP)
    const phone = await loginDevice('ada', PHONE)
    const desktop = await loginDevice('ada', DESKTOP)
    const bob = await loginDevice('bob')
    expect(await act(laptop, (s) => management.revokeOthers(s))).toBe(2)
    expect(await whoami(laptop)).toBe('1')
    expect(await whoami(phone)).toBeNull()
    expect(await whoami(desktop)).toBeNull()
    expect(await whoami(bob)).toBe('2')
  })

  it('revokeAll ends every session of the user, this one included', async () => {
    const { act, loginDevice, whoami, management } = setup()
    const laptop = await loginDevice('ada', LAPTOP)
    const phone = await loginDevice('ada', PHONE)
    const cookie = laptop.cookie
    expect(await act(laptop, (s) => management.revokeAll(s))).toBe(2)
    expect(await whoami({ ...laptop, cookie })).toBeNull()
    expect(await whoami(phone)).toBeNull()
  })

  it('endUserSessions ends all sessions of a disabled user at once', async () => {
    const { loginDevice, whoami, management, store, byId } = setup()
    const laptop = await loginDevice('ada', LAPTOP)
    await loginDevice('ada', PHONE)
    const bob = await loginDevice('bob')
    ;(byId.get('1') as { isActive?: boolean }).isActive = false
    expect(await management.endUserSessions('1')).toBe(2)
    expect(await store.listByUser('1')).toEqual([])
    expect(await whoami(laptop)).toBeNull()
    expect(await whoami(bob)).toBe('2')
  })
})

describe('the per-user session cap', () => {
  it('a login beyond the cap evicts the oldest session (by creation time)', async () => {
    const { clock, act, loginDevice, whoami, management } = setup({ maxSessionsPerUser: 2 })
    const first = await loginDevice('ada', LAPTOP)
    clock.advance(MINUTE)
    const second = await loginDevice('ada', PHONE)
    clock.advance(MINUTE)
    // The first device stays busy; it still goes first: it logged in longest ago.
    await act(first, (s) => s.set('busy', true))
    clock.advance(MINUTE)
    const third = await loginDevice('ada', DESKTOP)
    expect(await whoami(first)).toBeNull()
    expect(await whoami(second)).toBe('1')
    expect(await whoami(third)).toBe('1')
    expect((await act(third, (s) => management.list(s))).map((r) => r.label)).toEqual([
      'Firefox 133 on Windows 10/11',
      'Safari 17 on iOS 17.4',
    ])
  })

  it('least-recently-seen evicts the idlest session instead', async () => {
    const { clock, act, loginDevice, whoami } = setup({
      maxSessionsPerUser: 2,
      evict: 'least-recently-seen',
    })
    const first = await loginDevice('ada', LAPTOP)
    clock.advance(MINUTE)
    const second = await loginDevice('ada', PHONE)
    clock.advance(10 * MINUTE)
    await act(first, (s) => s.set('busy', true)) // a write moves lastSeenAt
    const third = await loginDevice('ada', DESKTOP)
    expect(await whoami(first)).toBe('1')
    expect(await whoami(second)).toBeNull()
    expect(await whoami(third)).toBe('1')
  })

  it('logging in again on the same device does not count twice, and other users are untouched', async () => {
    const { act, loginDevice, whoami, management, store } = setup({ maxSessionsPerUser: 1 })
    const bob = await loginDevice('bob')
    const laptop = await loginDevice('ada')
    await act(laptop, async (s) => {
      const user = await management.authenticate('ada', 'ada-pw')
      await management.login(s, user as NonNullable<typeof user>)
    })
    expect(await whoami(laptop)).toBe('1')
    expect(await whoami(bob)).toBe('2')
    expect(await store.listByUser('1')).toHaveLength(1)
  })

  it('logging in again on a session of an older password keeps it, and clears the other stale ones', async () => {
    const { act, loginDevice, whoami, management, store, byId } = setup({ maxSessionsPerUser: 3 })
    const laptop = await loginDevice('ada', LAPTOP)
    await loginDevice('ada', PHONE)
    // The password changes behind the library's back; the laptop logs in again on its
    // old session (its record still holds the old session auth hash).
    ;(byId.get('1') as { passwordHash: string }).passwordHash = 'plain$ada-new'
    await act(laptop, async (s) => {
      const user = await management.authenticate('ada', 'ada-new')
      await management.login(s, user as NonNullable<typeof user>)
    })
    expect(await whoami(laptop)).toBe('1')
    expect(await store.listByUser('1')).toHaveLength(1)
  })

  it('100 concurrent logins of one user with a cap of 10 leave exactly the 10 newest', async () => {
    await loginBurst(new MemoryStore(), 'burst')
  })

  it('a session that existed before its login counts as new as its login: it does not evict itself', async () => {
    const { clock, act, loginDevice, whoami, management } = setup({ maxSessionsPerUser: 2 })
    // A cart, started before the other two logins.
    const shopper = { userAgent: DESKTOP, ip: '192.0.2.3', cookie: undefined as string | undefined }
    await act(shopper, (s) => s.set('cart', ['book']))
    clock.advance(MINUTE)
    const laptop = await loginDevice('ada', LAPTOP)
    clock.advance(MINUTE)
    const phone = await loginDevice('ada', PHONE)
    clock.advance(MINUTE)
    await act(shopper, async (s) => {
      const user = await management.authenticate('ada', 'ada-pw')
      await management.login(s, user as NonNullable<typeof user>)
    })
    expect(await whoami(shopper)).toBe('1')
    expect(await whoami(laptop)).toBeNull()
    expect(await whoami(phone)).toBe('1')
  })

  it('refuses a cap that is not a positive whole number', () => {
    const { users } = userTable()
    const store = setup().store
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(
        () => new SessionManagement({ store, users, hasher: plainHasher, maxSessionsPerUser: bad }),
      ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    }
  })
})

describe('freshness', () => {
  it('a login is fresh for freshAge seconds by the manager’s clock, then not', async () => {
    const { clock, act, loginDevice, management } = setup({ freshAge: 300 })
    const laptop = await loginDevice('ada')
    expect(await act(laptop, (s) => management.isFresh(s))).toBe(true)
    clock.advance(300_000 - 1)
    expect(await act(laptop, (s) => management.isFresh(s))).toBe(true)
    clock.advance(1)
    expect(await act(laptop, (s) => management.isFresh(s))).toBe(false)
    expect(await act({ userAgent: LAPTOP, ip: '192.0.2.3' }, (s) => management.isFresh(s))).toBe(
      false,
    )
  })

  it('re-entering the password makes the session fresh again and rotates its credential', async () => {
    const { clock, act, loginDevice, whoami, management } = setup({ freshAge: 300 })
    const laptop = await loginDevice('ada')
    clock.advance(301_000)
    expect(await act(laptop, (s) => management.reauthenticate(s, 'wrong'))).toBe(false)
    expect(await act(laptop, (s) => management.isFresh(s))).toBe(false)
    const before = laptop.cookie
    expect(await act(laptop, (s) => management.reauthenticate(s, 'ada-pw'))).toBe(true)
    expect(laptop.cookie).not.toBe(before)
    expect(await act(laptop, (s) => management.isFresh(s))).toBe(true)
    expect(await whoami({ ...laptop, cookie: before })).toBeNull()
  })

  it('login() records the login time in the session record, on the server, not in its data', async () => {
    const { act, loginDevice, store } = setup()
    const laptop = await loginDevice('ada')
    const [record] = await store.listByUser('1')
    expect(record?.authenticatedAt).toBe(T0)
    expect(record?.data).toEqual({})
    expect(await act(laptop, (s) => s.keys())).toEqual([])
  })
})

describe('changing the password', () => {
  it('ends every other session of the user and keeps the current one', async () => {
    const { act, loginDevice, whoami, management, store, byId, events, audit } = setup()
    const laptop = await loginDevice('ada', LAPTOP)
    const phone = await loginDevice('ada', PHONE)
    const desktop = await loginDevice('ada', DESKTOP)
    const bob = await loginDevice('bob')
    const before = laptop.cookie
    const result = await act(laptop, (s) => management.changePassword(s, 'ada-pw', 'new-secret'))
    expect(result).toEqual({ ok: true, ended: 2 })
    expect(byId.get('1')?.passwordHash).toBe('plain$new-secret')
    // The current session goes on, under a new credential; the others are gone.
    expect(laptop.cookie).not.toBe(before)
    expect(await whoami(laptop)).toBe('1')
    expect(await whoami({ ...laptop, cookie: before })).toBeNull()
    expect(await whoami(phone)).toBeNull()
    expect(await whoami(desktop)).toBeNull()
    expect(await store.listByUser('1')).toHaveLength(1)
    expect(await whoami(bob)).toBe('2')
    expect(await act(laptop, (s) => management.isFresh(s))).toBe(true)
    // The old password no longer works, the new one does.
    expect(await management.authenticate('ada', 'ada-pw')).toBeNull()
    expect(await management.authenticate('ada', 'new-secret')).not.toBeNull()
    await audit.flush()
    expect(events.find((e) => e.type === 'passwordChanged')).toMatchObject({ count: 2 })
  })

  it('two changes of the password at once: one wins, the other is refused and changes nothing', async () => {
    // A thief with a stolen session and the old password races the owner's change.
    const { act, loginDevice, whoami, management, byId } = setup()
    const laptop = await loginDevice('ada', LAPTOP)
    const phone = await loginDevice('ada', PHONE)
    const [owner, thief] = await Promise.all([
      act(laptop, (s) => management.changePassword(s, 'ada-pw', 'owner-new')),
      act(phone, (s) => management.changePassword(s, 'ada-pw', 'thief-new')),
    ])
    expect([owner, thief].filter((r) => r.ok)).toHaveLength(1)
    expect([owner, thief].find((r) => !r.ok)).toEqual({ ok: false, reason: 'invalidPassword' })
    const [won, lost] = owner.ok ? [laptop, phone] : [phone, laptop]
    expect(byId.get('1')?.passwordHash).toBe(owner.ok ? 'plain$owner-new' : 'plain$thief-new')
    expect(await whoami(won)).toBe('1')
    expect(await whoami(lost)).toBeNull()
  })

  it('a wrong old password changes nothing', async () => {
    const { act, loginDevice, whoami, management, byId } = setup()
    const laptop = await loginDevice('ada', LAPTOP)
    const phone = await loginDevice('ada', PHONE)
    expect(await act(laptop, (s) => management.changePassword(s, 'nope', 'new-secret'))).toEqual({
      ok: false,
      reason: 'invalidPassword',
    })
    expect(byId.get('1')?.passwordHash).toBe('plain$ada-pw')
    expect(await whoami(phone)).toBe('1')
    expect(
      await act({ userAgent: LAPTOP, ip: '192.0.2.4' }, (s) =>
        management.changePassword(s, 'ada-pw', 'x'),
      ),
    ).toEqual({ ok: false, reason: 'unauthenticated' })
  })
})
