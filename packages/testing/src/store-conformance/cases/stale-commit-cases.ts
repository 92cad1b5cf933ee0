import type { CommitResult, Session, SessionManagerOptions } from '@tessera/core'
import { createSessionJwtVerifier, JwtKeySet, SessionManager } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from '../suite-context.js'

const SECRET = 'conformance-suite-secret-0123456789abcdef'
const JWT_KEY = 'conformance-suite-hs256-key-0123456789abcdef'
const ISSUER = 'https://app.test'
const AUDIENCE = 'svc'

/**
 * Commits of a request that loaded its session before another request committed a write,
 * a login (new credential) or a logout, through a {@link SessionManager} over the store
 * under test: the late commit acts on what the store holds now, not on what it loaded.
 * It loses no write of the other request, and never sends a credential the store no
 * longer holds (a dead cookie over the browser's new one, or a session JWT for a session
 * that is gone).
 */
export function staleCommitCases(ctx: SuiteContext): void {
  const managerOf = (options: Partial<SessionManagerOptions> = {}): SessionManager =>
    new SessionManager({ store: ctx.store, secret: SECRET, clock: ctx.clock.now, ...options })
  const open = (manager: SessionManager, cookie?: string): Session =>
    manager.open({ cookie, secure: false })
  /** A session holding `data`, committed; its cookie as a `Cookie` header. */
  const stored = async (manager: SessionManager, data: Record<string, number[] | number>) => {
    const session = open(manager)
    for (const [k, v] of Object.entries(data)) await session.set(k, v)
    return pairOf(await manager.commit(session)) as string
  }
  /** A login on `cookie`'s session, as `login()` does it: new credential, then the user. */
  const login = async (manager: SessionManager, cookie: string, user: string) => {
    const session = open(manager, cookie)
    await session.cycleKey()
    await session.setUser(user)
    return pairOf(await manager.commit(session)) as string
  }
  const logout = async (manager: SessionManager, cookie: string) => {
    const session = open(manager, cookie)
    await session.flush()
    await manager.commit(session)
  }

  describe('commits of a request that loaded before another one committed', () => {
    it('emptying the session ends it and clears the cookie when nobody wrote since', async () => {
      const manager = managerOf()
      const cookie = await stored(manager, { x: 1 })
      const session = open(manager, cookie)
      await session.delete('x')
      const result = await manager.commit(session)
      expect(sessionCookie(result)).toMatch(/Max-Age=0/)
      // Deleted, not left behind: nothing remains under the session's id.
      expect(await ctx.store.get(idOf(cookie))).toBeNull()
    })

    it('emptying the session keeps a key another request wrote since, and removes only its own', async () => {
      const manager = managerOf()
      const cookie = await stored(manager, { x: 1 })
      const slow = open(manager, cookie) // "remove x from the cart"
      await slow.delete('x')
      const fast = open(manager, cookie) // another tab, committed first
      await fast.set('y', 2)
      await manager.commit(fast)
      const late = await manager.commit(slow)
      expect(sessionCookie(late) ?? '').not.toMatch(/Max-Age=0/)
      const check = open(manager, cookie)
      expect(await check.keys()).toEqual(['y'])
      expect(await check.get('y')).toBe(2)
    })

    it('emptying the session neither undoes a login committed since nor clears its new cookie', async () => {
      const manager = managerOf()
      const cookie = await stored(manager, { cart: [1] })
      const slow = open(manager, cookie)
      await slow.delete('cart')
      const after = await login(manager, cookie, 'alice')
      const late = await manager.commit(slow)
      // Its credential died with the login: nothing for the browser, whose cookie is new.
      expect(sessionCookie(late)).toBeUndefined()
      expect(await open(manager, after).getUserId()).toBe('alice')
      expect(await open(manager, after).get('cart')).toEqual([1])
      expect(await open(manager, cookie).getUserId()).toBeNull()
    })

    it('emptying a session logged out since sends no cookie and brings nothing back', async () => {
      const manager = managerOf()
      const cookie = await stored(manager, { x: 1 })
      const slow = open(manager, cookie)
      await slow.delete('x')
      await logout(manager, cookie)
      // A later login may already have given the browser another cookie: leave it be.
      expect(sessionCookie(await manager.commit(slow))).toBeUndefined()
      expect(await ctx.store.get(idOf(cookie))).toBeNull()
    })

    it('a due renewal sends the live cookie again with the slid expiry', async () => {
      const manager = managerOf({ idleTimeout: 3600, renewalInterval: 60 })
      const cookie = await stored(manager, { x: 1 })
      ctx.clock.advance(61_000)
      const session = open(manager, cookie)
      await session.get('x')
      const renewed = sessionCookie(await manager.commit(session))
      expect(renewed?.split(';')[0]).toBe(cookie)
      expect(renewed).toMatch(/Max-Age=3600(;|$)/)
    })

    it('a due renewal by a request that loaded before a login does not send the dead cookie', async () => {
      const manager = managerOf({ idleTimeout: 3600, renewalInterval: 60 })
      const before = await stored(manager, { cart: [1] })
      ctx.clock.advance(61_000)
      const slow = open(manager, before) // a slow page view
      await slow.get('cart')
      const after = await login(manager, before, 'alice')
      expect(after).not.toBe(before)
      // Sending `before` would log the browser out right after its login.
      expect(sessionCookie(await manager.commit(slow))).toBeUndefined()
      expect(await open(manager, after).getUserId()).toBe('alice')
    })

    it('a due renewal by a request that loaded before setExpiry does not undo the shorter idle timeout', async () => {
      const manager = managerOf({ idleTimeout: 3600, renewalInterval: 60 })
      const cookie = await stored(manager, { x: 1 })
      ctx.clock.advance(61_000)
      const slow = open(manager, cookie) // a slow page view, due for renewal
      expect(await slow.get('x')).toBe(1)
      const fast = open(manager, cookie) // "this is a shared computer": 60 s idle
      await fast.setExpiry(60)
      await manager.commit(fast)
      await manager.commit(slow)
      ctx.clock.advance(60_000) // idle for the session's own 60 s
      expect(await ctx.store.get(idOf(cookie))).toBeNull()
      expect(await open(manager, cookie).get('x')).toBeUndefined()
    })

    describe('session JWTs', () => {
      const jwtManager = async () => {
        const keys = await JwtKeySet.create([{ key: JWT_KEY, alg: 'HS256' }])
        const manager = managerOf({
          format: 'jwt',
          jwt: { keys, issuer: ISSUER, audience: AUDIENCE, ttl: 60 },
          renewalInterval: 600,
        })
        const verify = createSessionJwtVerifier({
          keys,
          issuer: ISSUER,
          audience: AUDIENCE,
          clock: ctx.clock.now,
        })
        return { manager, verify }
      }

      it('a token past half its life is re-issued while the session holds its credential', async () => {
        const { manager, verify } = await jwtManager()
        const cookie = await login(manager, await stored(manager, { x: 1 }), 'alice')
        ctx.clock.advance(40_000)
        const session = open(manager, cookie)
        expect(await session.getUserId()).toBe('alice')
        const fresh = tokenOf(sessionCookie(await manager.commit(session)))
        expect(fresh).toBeDefined()
        expect(fresh).not.toBe(tokenOf(cookie))
        expect(await verify(fresh as string)).not.toBeNull()
      })

      it('a request that loaded before a logout does not re-issue a token for the ended session', async () => {
        const { manager } = await jwtManager()
        const cookie = await login(manager, await stored(manager, { x: 1 }), 'alice')
        ctx.clock.advance(40_000) // due for re-issue
        const slow = open(manager, cookie)
        expect(await slow.getUserId()).toBe('alice')
        await logout(manager, cookie)
        // A fresh token would pass store-less verifiers for a whole ttl after the logout.
        expect(sessionCookie(await manager.commit(slow))).toBeUndefined()
        // The old token, replayed, names a session that is gone.
        expect(await open(manager, cookie).getUserId()).toBeNull()
      })

      it('a request that loaded before a login does not re-issue a token for the dead credential', async () => {
        const { manager } = await jwtManager()
        const before = await login(manager, await stored(manager, { x: 1 }), 'alice')
        ctx.clock.advance(40_000)
        const slow = open(manager, before)
        expect(await slow.getUserId()).toBe('alice')
        const after = await login(manager, before, 'bob')
        expect(sessionCookie(await manager.commit(slow))).toBeUndefined()
        expect(await open(manager, after).getUserId()).toBe('bob')
        expect(await open(manager, before).getUserId()).toBeNull()
      })
    })
  })
}

/** The session cookie's `Set-Cookie` header in `result`, if any. */
function sessionCookie(result: CommitResult): string | undefined {
  return result.setCookie.find((header) => header.startsWith('sessionid='))
}

/** The `name=value` pair of the session cookie `result` sets, ready to send back. */
function pairOf(result: CommitResult): string | undefined {
  return sessionCookie(result)?.split(';')[0]
}

/** The token of a `sessionid=<token>` pair or header. */
function tokenOf(cookie: string | undefined): string | undefined {
  return cookie?.split(';')[0]?.slice('sessionid='.length)
}

/** The store id inside an opaque `sessionid=<id>.<secret>` cookie pair. */
function idOf(cookie: string): string {
  return tokenOf(cookie)?.split('.')[0] as string
}
