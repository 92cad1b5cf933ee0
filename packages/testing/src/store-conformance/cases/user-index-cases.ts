import type { SessionRecord } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from '../suite-context.js'

/** listByUser and deleteByUser see exactly the live records whose `userId` matches. */
export function userIndexCases(ctx: SuiteContext): void {
  const byId = (records: SessionRecord[]): SessionRecord[] =>
    [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

  /** Two sessions of `alice`, one of `bob`, one anonymous, one of `alice` already expired. */
  const seed = async () => {
    const now = ctx.clock.now()
    const alice1 = ctx.make({ userId: 'alice', data: { n: 1 } })
    const alice2 = ctx.make({ userId: 'alice', data: { n: 2 } })
    const aliceOld = ctx.make({ userId: 'alice', idleExpiresAt: now + 1000 })
    const bob = ctx.make({ userId: 'bob' })
    const anonymous = ctx.make({ data: { visitor: true } })
    for (const r of [alice1, alice2, aliceOld, bob, anonymous])
      expect(await ctx.store.create(r)).toBe(true)
    ctx.clock.advance(1000)
    return { alice1, alice2, aliceOld, bob, anonymous }
  }

  describe('user index', () => {
    it("listByUser returns exactly that user's live records", async () => {
      const { alice1, alice2, bob } = await seed()
      expect(byId(await ctx.store.listByUser('alice'))).toEqual(byId([alice1, alice2]))
      expect(await ctx.store.listByUser('bob')).toEqual([bob])
      expect(await ctx.store.listByUser('carol')).toEqual([])
      // Prefixes and case must not match: ids are compared exactly.
      expect(await ctx.store.listByUser('Alice')).toEqual([])
      expect(await ctx.store.listByUser('ali')).toEqual([])
    })

    it('deleteByUser removes all live sessions of the user, answers how many, and leaves others alone', async () => {
      const { alice1, alice2, aliceOld, bob, anonymous } = await seed()
      expect(await ctx.store.deleteByUser('alice')).toBe(2)
      expect(await ctx.store.listByUser('alice')).toEqual([])
      for (const r of [alice1, alice2, aliceOld]) expect(await ctx.store.get(r.id)).toBeNull()
      expect(await ctx.store.get(bob.id)).toEqual(bob)
      expect(await ctx.store.get(anonymous.id)).toEqual(anonymous)
      expect(await ctx.store.deleteByUser('alice')).toBe(0)
      expect(await ctx.store.deleteByUser('nobody')).toBe(0)
    })

    it('deleteByUser with exceptId keeps that one session', async () => {
      const { alice1, alice2, bob } = await seed()
      expect(await ctx.store.deleteByUser('alice', alice1.id)).toBe(1)
      expect(await ctx.store.listByUser('alice')).toEqual([alice1])
      expect(await ctx.store.get(alice2.id)).toBeNull()
      // An exceptId that belongs to someone else protects nothing of this user.
      expect(await ctx.store.deleteByUser('alice', bob.id)).toBe(1)
      expect(await ctx.store.get(bob.id)).toEqual(bob)
      expect(await ctx.store.listByUser('alice')).toEqual([])
    })

    it('changing userId through update moves the record between users', async () => {
      const record = ctx.make({ userId: 'alice' })
      await ctx.store.create(record)
      const toBob = { ...record, userId: 'bob', version: 2 }
      expect(await ctx.store.update(toBob, 1)).toBe('ok')
      expect(await ctx.store.listByUser('alice')).toEqual([])
      expect(await ctx.store.listByUser('bob')).toEqual([toBob])
      expect(await ctx.store.deleteByUser('alice')).toBe(0)

      const loggedOut = { ...toBob, userId: null, version: 3 }
      expect(await ctx.store.update(loggedOut, 2)).toBe('ok')
      expect(await ctx.store.listByUser('bob')).toEqual([])
      expect(await ctx.store.get(record.id)).toEqual(loggedOut)

      const loggedIn = { ...loggedOut, userId: 'carol', version: 4 }
      expect(await ctx.store.update(loggedIn, 3)).toBe('ok')
      expect(await ctx.store.listByUser('carol')).toEqual([loggedIn])
    })

    it('a conflicting update does not move the record between users', async () => {
      const record = ctx.make({ userId: 'alice', version: 2 })
      await ctx.store.create(record)
      expect(await ctx.store.update({ ...record, userId: 'bob', version: 2 }, 1)).toBe('conflict')
      expect(await ctx.store.listByUser('alice')).toEqual([record])
      expect(await ctx.store.listByUser('bob')).toEqual([])
    })

    it("delete takes the record out of its user's list", async () => {
      const { alice1, alice2 } = await seed()
      await ctx.store.delete(alice1.id)
      expect(await ctx.store.listByUser('alice')).toEqual([alice2])
      expect(await ctx.store.deleteByUser('alice')).toBe(1)
    })
  })
}
