import {
  type AuthUser,
  authenticate,
  getCsrfToken,
  getSessionUser,
  login,
  logout,
  type PasswordHasher,
  SessionManager,
  type UserProvider,
} from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { cookieFrom, harness, request, SECRET } from '../support/harness.js'

// A transparent "hasher": these tests are about sessions, not password cost.
const plain: PasswordHasher = {
  hash: async (p) => `plain$${p}`,
  verify: async (p, e) => ({
    valid: e === `plain$${p}` || e === `legacy$${p}`,
    needsRehash: e.startsWith('legacy$'),
  }),
}

function userTable(...list: AuthUser[]) {
  const byId = new Map(list.map((u) => [u.id, { ...u }]))
  const users: UserProvider = {
    findByUsername: async (name) => [...byId.values()].find((u) => u.username === name) ?? null,
    findById: async (id) => byId.get(id) ?? null,
    replacePasswordHash: async (id, previous, hash) => {
      const u = byId.get(id)
      if (u?.passwordHash !== previous) return false
      u.passwordHash = hash
      return true
    },
  }
  return { users, byId }
}

const ada: AuthUser = { id: '1', username: 'ada', passwordHash: 'plain$pw' }
const bob: AuthUser = { id: '2', username: 'bob', passwordHash: 'plain$pw' }

describe('login and logout', () => {
  it('keeps anonymous data across login but rotates the credential and the CSRF secret', async () => {
    const { manager } = harness()
    let token = ''
    const anon = cookieFrom(
      await request(manager, undefined, async (s) => {
        await s.set('cart', ['apple'])
        token = await getCsrfToken(s)
      }),
    )
    const loggedIn = cookieFrom(await request(manager, anon, (s) => login(s, ada)))
    expect(loggedIn).not.toBe(anon)
    await request(manager, loggedIn, async (s) => {
      expect(await s.get('cart')).toEqual(['apple'])
      expect(await s.getUserId()).toBe('1')
      expect(await getCsrfToken(s)).not.toBe(token)
    })
  })

  it('switching user carries no data from the previous user', async () => {
    const { manager } = harness()
    const asAda = cookieFrom(
      await request(manager, undefined, async (s) => {
        await login(s, ada)
        await s.set('secret-note', 'ada only')
      }),
    )
    const asBob = cookieFrom(await request(manager, asAda, (s) => login(s, bob)))
    expect(asBob.split('.')[0]).not.toBe(asAda.split('.')[0])
    await request(manager, asBob, async (s) => {
      expect(await s.getUserId()).toBe('2')
      expect(await s.has('secret-note')).toBe(false)
    })
    await request(manager, asAda, async (s) => expect(await s.getUserId()).toBeNull())
  })

  it('logout ends the session on the server', async () => {
    const { manager } = harness()
    const c = cookieFrom(await request(manager, undefined, (s) => login(s, ada)))
    const out = await request(manager, c, (s) => logout(s))
    expect(out.setCookie[0]).toMatch(/^sessionid=; Max-Age=0/)
    await request(manager, c, async (s) => expect(await s.getUserId()).toBeNull())
  })
})

describe('getSessionUser', () => {
  it('returns the user while their password is unchanged, and logs out once it changes', async () => {
    const { manager } = harness()
    const { users, byId } = userTable(ada)
    const c = cookieFrom(await request(manager, undefined, (s) => login(s, ada)))
    await request(manager, c, async (s) => expect((await getSessionUser(s, users))?.id).toBe('1'))
    ;(byId.get('1') as AuthUser).passwordHash = 'plain$changed'
    const r = await request(manager, c, async (s) =>
      expect(await getSessionUser(s, users)).toBeNull(),
    )
    expect(r.setCookie[0]).toMatch(/Max-Age=0/)
  })

  it('logs out a disabled or deleted user', async () => {
    const { manager } = harness()
    const { users, byId } = userTable(ada, bob)
    const c1 = cookieFrom(await request(manager, undefined, (s) => login(s, ada)))
    const c2 = cookieFrom(await request(manager, undefined, (s) => login(s, bob)))
    ;(byId.get('1') as AuthUser).isActive = false
    byId.delete('2')
    await request(manager, c1, async (s) => expect(await getSessionUser(s, users)).toBeNull())
    await request(manager, c2, async (s) => expect(await getSessionUser(s, users)).toBeNull())
  })

  it('survives a secret rotation through fallbackSecrets', async () => {
    const { manager, store, clock } = harness()
    const { users } = userTable(ada)
    const c = cookieFrom(await request(manager, undefined, (s) => login(s, ada)))
    const rotated = new SessionManager({
      store,
      clock: clock.now,
      secret: 'a-brand-new-secret-a-brand-new-secret-!!',
      fallbackSecrets: [SECRET],
    })
    await request(rotated, c, async (s) => expect((await getSessionUser(s, users))?.id).toBe('1'))
    const forgotten = new SessionManager({
      store,
      clock: clock.now,
      secret: 'a-brand-new-secret-a-brand-new-secret-!!',
    })
    await request(forgotten, c, async (s) => expect(await getSessionUser(s, users)).toBeNull())
  })
})

describe('authenticate', () => {
  it('upgrades a legacy hash on success and refuses inactive users and wrong passwords', async () => {
    const { users, byId } = userTable(
      { id: '1', username: 'ada', passwordHash: 'legacy$pw' },
      { id: '2', username: 'off', passwordHash: 'plain$pw', isActive: false },
    )
    expect(await authenticate({ users, hasher: plain }, 'ada', 'wrong')).toBeNull()
    expect(byId.get('1')?.passwordHash).toBe('legacy$pw')
    expect((await authenticate({ users, hasher: plain }, 'ada', 'pw'))?.passwordHash).toBe(
      'plain$pw',
    )
    expect(byId.get('1')?.passwordHash).toBe('plain$pw')
    expect(await authenticate({ users, hasher: plain }, 'off', 'pw')).toBeNull()
    expect(await authenticate({ users, hasher: plain }, 'nobody', 'pw')).toBeNull()
  })

  it('a login that upgrades a legacy hash does not overwrite a password changed while it was checked', async () => {
    // The owner of a leaked password changes it while the thief's login with the old one
    // is being checked: the upgrade must not write the old password back.
    const { users, byId } = userTable({ id: '1', username: 'ada', passwordHash: 'legacy$old' })
    let release = () => {}
    const checked = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow: PasswordHasher = {
      hash: plain.hash,
      verify: async (p, e) => {
        await checked
        return plain.verify(p, e)
      },
    }
    const thief = authenticate({ users, hasher: slow }, 'ada', 'old')
    await new Promise((resolve) => setImmediate(resolve))
    expect(await users.replacePasswordHash('1', 'legacy$old', 'plain$new')).toBe(true)
    release()
    expect(await thief).toBeNull()
    expect(byId.get('1')?.passwordHash).toBe('plain$new')
    expect(await authenticate({ users, hasher: plain }, 'ada', 'old')).toBeNull()
    expect(await authenticate({ users, hasher: plain }, 'ada', 'new')).not.toBeNull()
  })

  it('spends one hash() of the submitted password on an unknown user, and stores nothing', async () => {
    // The current-parameter work a wrong password costs; by the PasswordHasher contract a
    // refusal of any stored hash costs at least as much (@tessera/password's
    // equal-work.test.ts counts the derivations of both paths).
    const calls: string[] = []
    const counted: PasswordHasher = {
      hash: async (p) => {
        calls.push(`hash ${p}`)
        return plain.hash(p)
      },
      verify: async (p, e) => {
        calls.push(`verify ${p}`)
        return plain.verify(p, e)
      },
    }
    const { users, byId } = userTable(ada)
    expect(await authenticate({ users, hasher: counted }, 'nobody', 'guess')).toBeNull()
    expect(calls).toEqual(['hash guess'])
    expect(await authenticate({ users, hasher: counted }, 'ada', 'guess')).toBeNull()
    expect(calls).toEqual(['hash guess', 'verify guess'])
    expect(byId.get('1')?.passwordHash).toBe('plain$pw')
  })

  it('refuses a non-string password (untrusted JSON) the same for an unknown user as for a known one', async () => {
    // As @tessera/password's hasher: hash() throws on a non-string, verify() refuses it.
    const hasher: PasswordHasher = {
      hash: async (p) => {
        if (typeof p !== 'string') throw new TypeError('password must be a string')
        return plain.hash(p)
      },
      verify: async (p, e) =>
        typeof p === 'string' ? plain.verify(p, e) : { valid: false, needsRehash: false },
    }
    const { users } = userTable(ada)
    for (const password of [undefined, null, 42, ['pw'], { pw: 1 }] as unknown as string[]) {
      expect(await authenticate({ users, hasher }, 'nobody', password)).toBeNull()
      expect(await authenticate({ users, hasher }, 'ada', password)).toBeNull()
    }
  })
})
