import {
  type AuthUser,
  login,
  logout,
  MemoryStore,
  requestUser,
  SessionManager,
  type UserProvider,
} from '@tessera/core'
import { describe, expect, it } from 'vitest'

const SECRET = 'request-user-test-secret-0123456789abcdef'
const ada: AuthUser = { id: '1', username: 'ada', passwordHash: 'h1' }
const bob: AuthUser = { id: '2', username: 'bob', passwordHash: 'h2' }

function counting(): UserProvider & { lookups: number } {
  const all = [ada, bob]
  const users = {
    lookups: 0,
    findByUsername: async (n: string) => all.find((u) => u.username === n) ?? null,
    findById: async (id: string) => {
      users.lookups++
      return all.find((u) => u.id === id) ?? null
    },
    replacePasswordHash: async () => true,
  }
  return users
}

describe('requestUser', () => {
  it('looks the user up once per request, and again after a login or logout in it', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const users = counting()
    const session = manager.open({ cookie: undefined, secure: false })
    expect(await requestUser(session, users)).toBeNull()
    await login(session, ada)
    const [a, b] = await Promise.all([requestUser(session, users), requestUser(session, users)])
    expect(a?.username).toBe('ada')
    expect(b).toBe(a)
    expect(await requestUser(session, users)).toBe(a)
    expect(users.lookups).toBe(1)
    await login(session, bob)
    expect((await requestUser(session, users))?.username).toBe('bob')
    expect(users.lookups).toBe(2)
    await logout(session)
    expect(await requestUser(session, users)).toBeNull()
    expect(users.lookups).toBe(2)
  })
})
