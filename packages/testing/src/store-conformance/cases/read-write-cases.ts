import type { SessionRecord } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from '../suite-context.js'

/** get, create, update, touch and delete on live records. */
export function readWriteCases(ctx: SuiteContext): void {
  describe('get and create', () => {
    it('get of an unknown id resolves to null', async () => {
      expect(await ctx.store.get(ctx.make().id)).toBeNull()
    })

    it('create then get returns an equal record, every field included', async () => {
      const record = richRecord(ctx)
      expect(await ctx.store.create(record)).toBe(true)
      expect(await ctx.store.get(record.id)).toEqual(record)
    })

    it('create is insert-if-absent: a second create of the same id answers false and keeps the original', async () => {
      const original = ctx.make({ data: { owner: 'first' }, userId: 'u1' })
      expect(await ctx.store.create(original)).toBe(true)
      const intruder = ctx.make({ id: original.id, data: { owner: 'second' }, userId: 'u2' })
      expect(await ctx.store.create(intruder)).toBe(false)
      expect(await ctx.store.get(original.id)).toEqual(original)
      expect(await ctx.store.listByUser('u2')).toEqual([])
    })

    it('create takes over the id of a record that has already expired', async () => {
      const stale = ctx.make({ idleExpiresAt: ctx.clock.now() + 1000, userId: 'u1' })
      expect(await ctx.store.create(stale)).toBe(true)
      ctx.clock.advance(1000)
      const fresh = ctx.make({ id: stale.id, data: { fresh: true }, userId: 'u2' })
      expect(await ctx.store.create(fresh)).toBe(true)
      expect(await ctx.store.get(stale.id)).toEqual(fresh)
      expect(await ctx.store.listByUser('u1')).toEqual([])
    })
  })

  describe('getNow (optional: the embedded stores, and caching ones, answer get synchronously)', () => {
    it('answers what get answers, synchronously, or undefined: a live record, an unknown id, an expired one; what it hands out cannot change what it holds', async ({
      skip,
    }) => {
      const getNow = ctx.store.getNow?.bind(ctx.store)
      if (!getNow) return skip('optional: this store has no getNow() (its reads wait on I/O)')
      const record = richRecord(ctx)
      await ctx.store.create(record)
      // A store that keeps what it read (RedisStore with clientSideCache) keeps it after
      // a read, once nothing invalidates it meanwhile (the create's notice may come late).
      let live = getNow(record.id)
      for (let tries = 0; live === undefined && tries < 50; tries++) {
        await ctx.store.getShared?.(record.id)
        live = getNow(record.id)
      }
      if (live === undefined) {
        return skip('optional: this store answers nothing without waiting (getNow: undefined)')
      }
      expect(live).not.toBeInstanceOf(Promise)
      expect(live).toEqual(record)
      expect(live).toEqual(await ctx.store.get(record.id))
      // A copy (SqliteStore parses each row) or the held record frozen (MemoryStore):
      // either way, changing what getNow handed out changes nothing stored.
      const mutate = (got: SessionRecord): void => {
        got.data.changed = true
        got.credentials.cookie = 'forged'
        got.idleExpiresAt += 1
      }
      try {
        mutate(live as SessionRecord)
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError)
      }
      // undefined: a caching store dropped it meanwhile (a late notice of the create).
      expect(getNow(record.id) ?? record).toEqual(record)
      expect(await ctx.store.get(record.id)).toEqual(record)
      expect(getNow(ctx.make().id) ?? null).toBeNull()
      ctx.clock.advance(record.idleExpiresAt - ctx.clock.now())
      expect(getNow(record.id) ?? null).toBeNull()
      expect(await ctx.store.get(record.id)).toBeNull()
    })

    it('never answers older than the store’s own last write: touch, update, delete', async () => {
      const getNow = ctx.store.getNow?.bind(ctx.store)
      const record = richRecord(ctx)
      await ctx.store.create(record)
      // undefined ("read through get") is always a right answer; an old record never is.
      const check = async (): Promise<void> => {
        await ctx.store.getShared?.(record.id)
        const now = getNow?.(record.id)
        if (now !== undefined) expect(now).toEqual(await ctx.store.get(record.id))
      }
      await check()
      ctx.clock.advance(10)
      expect(await ctx.store.touch(record.id, ctx.clock.now(), ctx.clock.now() + 60_000)).toBe(true)
      await check()
      const current = (await ctx.store.get(record.id)) as SessionRecord
      const next = { ...current, data: { changed: true }, version: current.version + 1 }
      expect(await ctx.store.update(next, current.version)).toBe('ok')
      await check()
      await ctx.store.delete(record.id)
      expect(getNow?.(record.id) ?? null).toBeNull()
      expect((await ctx.store.getShared?.(record.id)) ?? null).toBeNull()
    })
  })

  describe('getShared (optional: a store that keeps the records it parsed)', () => {
    it('answers what get answers after each write: create, touch, update, delete, expiry; what it hands out cannot change what it holds', async ({
      skip,
    }) => {
      const getShared = ctx.store.getShared?.bind(ctx.store)
      if (!getShared) return skip('optional: this store has no getShared()')
      const record = richRecord(ctx)
      await ctx.store.create(record)
      const live = (await getShared(record.id)) as SessionRecord
      expect(live).toEqual(record)
      try {
        live.data.changed = true
        live.credentials.cookie = 'forged'
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError)
      }
      expect(await getShared(record.id)).toEqual(record)
      expect(await ctx.store.get(record.id)).toEqual(record)

      ctx.clock.advance(10)
      const seen = ctx.clock.now()
      expect(await ctx.store.touch(record.id, seen, seen + 60_000)).toBe(true)
      const touched = { ...record, lastSeenAt: seen, idleExpiresAt: seen + 60_000 }
      expect(await getShared(record.id)).toEqual(touched)
      expect(await ctx.store.get(record.id)).toEqual(touched)

      const next: SessionRecord = {
        ...touched,
        data: { ...touched.data, step: 2 },
        version: record.version + 1,
      }
      expect(await ctx.store.update(next, record.version)).toBe('ok')
      expect(await getShared(record.id)).toEqual(next)

      expect(await getShared(ctx.make().id)).toBeNull()
      const gone = ctx.make()
      await ctx.store.create(gone)
      expect(await getShared(gone.id)).toEqual(gone)
      await ctx.store.delete(gone.id)
      expect(await getShared(gone.id)).toBeNull()

      ctx.clock.advance(next.idleExpiresAt - ctx.clock.now())
      expect(await getShared(record.id)).toBeNull()
      expect(await ctx.store.get(record.id)).toBeNull()
    })
  })

  describe('update', () => {
    it("with the stored version answers 'ok' and stores the new record", async () => {
      const record = ctx.make({ data: { a: 1 } })
      await ctx.store.create(record)
      ctx.clock.advance(10)
      const next: SessionRecord = {
        ...record,
        data: { a: 2, b: { c: ['d'] } },
        userId: 'u1',
        authHash: 'auth-hash',
        credentials: { cookie: 'rotated-hash' },
        lastSeenAt: ctx.clock.now(),
        idleExpiresAt: ctx.clock.now() + 60_000,
        meta: { ip: '192.0.2.1' },
        version: record.version + 1,
      }
      expect(await ctx.store.update(next, record.version)).toBe('ok')
      expect(await ctx.store.get(record.id)).toEqual(next)
    })

    it("with a stale or future version answers 'conflict' and changes nothing", async () => {
      const record = ctx.make({ data: { a: 1 }, version: 3 })
      await ctx.store.create(record)
      for (const expected of [1, 2, 4]) {
        const next = { ...record, data: { a: expected }, version: expected + 1 }
        expect(await ctx.store.update(next, expected)).toBe('conflict')
      }
      expect(await ctx.store.get(record.id)).toEqual(record)
    })

    it("on an unknown id answers 'missing' and creates nothing", async () => {
      const record = ctx.make()
      expect(await ctx.store.update({ ...record, version: 2 }, 1)).toBe('missing')
      expect(await ctx.store.get(record.id)).toBeNull()
    })

    it("on a deleted record answers 'missing' and does not resurrect it", async () => {
      const record = ctx.make({ userId: 'u1' })
      await ctx.store.create(record)
      await ctx.store.delete(record.id)
      expect(await ctx.store.update({ ...record, version: 2 }, 1)).toBe('missing')
      expect(await ctx.store.get(record.id)).toBeNull()
      expect(await ctx.store.listByUser('u1')).toEqual([])
    })
  })

  describe('touch', () => {
    it('moves lastSeenAt and idleExpiresAt and keeps the version and everything else', async () => {
      const record = richRecord(ctx)
      await ctx.store.create(record)
      ctx.clock.advance(5000)
      const lastSeenAt = ctx.clock.now()
      const idleExpiresAt = lastSeenAt + 45 * 60_000
      expect(await ctx.store.touch(record.id, lastSeenAt, idleExpiresAt)).toBe(true)
      expect(await ctx.store.get(record.id)).toEqual({ ...record, lastSeenAt, idleExpiresAt })
    })

    it('a get after touch sees the touch even when the record was read before', async () => {
      // Catches a store that caches what it returns (MemoryStore keeps each record's JSON).
      const record = ctx.make()
      await ctx.store.create(record)
      expect(await ctx.store.get(record.id)).toEqual(record)
      ctx.clock.advance(5000)
      const lastSeenAt = ctx.clock.now()
      const idleExpiresAt = lastSeenAt + 45 * 60_000
      expect(await ctx.store.touch(record.id, lastSeenAt, idleExpiresAt)).toBe(true)
      expect(await ctx.store.get(record.id)).toEqual({ ...record, lastSeenAt, idleExpiresAt })
    })

    it('never makes a concurrent update conflict', async () => {
      const record = ctx.make()
      await ctx.store.create(record)
      const read = await ctx.store.get(record.id)
      expect(read).not.toBeNull()
      const base = read as SessionRecord
      expect(await ctx.store.touch(record.id, ctx.clock.now(), ctx.clock.now() + 60_000)).toBe(true)
      const next = { ...base, data: { written: true }, version: base.version + 1 }
      expect(await ctx.store.update(next, base.version)).toBe('ok')
      expect(await ctx.store.get(record.id)).toEqual(next)
    })

    it('answers false for an unknown, deleted or expired id and creates nothing', async () => {
      const now = ctx.clock.now()
      const unknown = ctx.make()
      expect(await ctx.store.touch(unknown.id, now, now + 60_000)).toBe(false)
      expect(await ctx.store.get(unknown.id)).toBeNull()

      const deleted = ctx.make()
      await ctx.store.create(deleted)
      await ctx.store.delete(deleted.id)
      expect(await ctx.store.touch(deleted.id, now, now + 60_000)).toBe(false)
      expect(await ctx.store.get(deleted.id)).toBeNull()

      const expired = ctx.make({ idleExpiresAt: now + 1000 })
      await ctx.store.create(expired)
      ctx.clock.advance(1000)
      const later = ctx.clock.now()
      expect(await ctx.store.touch(expired.id, later, later + 60_000)).toBe(false)
      expect(await ctx.store.get(expired.id)).toBeNull()
    })

    it('with the current expectedVersion moves the times like a plain touch, capped by absoluteExpiresAt', async () => {
      const record = richRecord(ctx)
      await ctx.store.create(record)
      ctx.clock.advance(5000)
      const lastSeenAt = ctx.clock.now()
      const idleExpiresAt = lastSeenAt + 45 * 60_000
      const touched = await ctx.store.touch(record.id, lastSeenAt, idleExpiresAt, record.version)
      expect(touched).toBe(true)
      expect(await ctx.store.get(record.id)).toEqual({ ...record, lastSeenAt, idleExpiresAt })
      // An idle deadline beyond the absolute one does not count here either.
      const beyond = record.absoluteExpiresAt + 60_000
      expect(await ctx.store.touch(record.id, lastSeenAt, beyond, record.version)).toBe(true)
      ctx.clock.set(record.absoluteExpiresAt - 1)
      expect((await ctx.store.get(record.id))?.version).toBe(record.version)
      ctx.clock.set(record.absoluteExpiresAt)
      expect(await ctx.store.get(record.id)).toBeNull()
    })

    it('with a stale expectedVersion answers false and changes nothing', async () => {
      const now = ctx.clock.now()
      const record = ctx.make({ userId: 'u1', idleExpiresAt: now + 30 * 60_000, version: 4 })
      await ctx.store.create(record)
      // Another request wrote since: its own, shorter idle deadline ("setExpiry(60)").
      const written: SessionRecord = {
        ...record,
        data: { written: true },
        meta: { idleTimeout: 60 },
        idleExpiresAt: now + 60_000,
        version: 5,
      }
      expect(await ctx.store.update(written, 4)).toBe('ok')
      ctx.clock.advance(1000)
      const later = ctx.clock.now()
      // The version loaded before the write, and one the store never held.
      for (const stale of [4, 6, 0]) {
        expect(await ctx.store.touch(record.id, later, later + 60 * 60_000, stale)).toBe(false)
        expect(await ctx.store.get(record.id)).toEqual(written)
      }
      expect(await ctx.store.listByUser('u1')).toEqual([written])
      // The write's deadline stands: the record expires on it, not an hour later.
      ctx.clock.set(now + 60_000 - 1)
      expect(await ctx.store.get(record.id)).toEqual(written)
      ctx.clock.set(now + 60_000)
      expect(await ctx.store.get(record.id)).toBeNull()
      expect(await ctx.store.listByUser('u1')).toEqual([])
    })

    it('with an expectedVersion answers false for an unknown, deleted or expired id', async () => {
      const now = ctx.clock.now()
      const unknown = ctx.make()
      expect(await ctx.store.touch(unknown.id, now, now + 60_000, unknown.version)).toBe(false)
      expect(await ctx.store.get(unknown.id)).toBeNull()

      const deleted = ctx.make()
      await ctx.store.create(deleted)
      await ctx.store.delete(deleted.id)
      expect(await ctx.store.touch(deleted.id, now, now + 60_000, deleted.version)).toBe(false)
      expect(await ctx.store.get(deleted.id)).toBeNull()

      const expired = ctx.make({ idleExpiresAt: now + 1000 })
      await ctx.store.create(expired)
      ctx.clock.advance(1000)
      const later = ctx.clock.now()
      expect(await ctx.store.touch(expired.id, later, later + 60_000, expired.version)).toBe(false)
      expect(await ctx.store.get(expired.id)).toBeNull()
    })
  })

  describe('delete', () => {
    it('removes the record, and deleting an unknown id is a no-op', async () => {
      const kept = ctx.make()
      const gone = ctx.make()
      await ctx.store.create(kept)
      await ctx.store.create(gone)
      await ctx.store.delete(gone.id)
      expect(await ctx.store.get(gone.id)).toBeNull()
      await expect(ctx.store.delete(gone.id)).resolves.toBeUndefined()
      await expect(ctx.store.delete(ctx.make().id)).resolves.toBeUndefined()
      expect(await ctx.store.get(kept.id)).toEqual(kept)
    })

    it('frees the id for a new create', async () => {
      const record = ctx.make()
      await ctx.store.create(record)
      await ctx.store.delete(record.id)
      const again = ctx.make({ id: record.id, data: { again: true } })
      expect(await ctx.store.create(again)).toBe(true)
      expect(await ctx.store.get(record.id)).toEqual(again)
    })
  })
}

/**
 * A record that exercises every field and the JSON a store must carry unchanged. Only
 * JSON every store can represent: no lone surrogates and no U+0000, which PostgreSQL's
 * `jsonb` rejects.
 */
function richRecord(ctx: SuiteContext): SessionRecord {
  const now = ctx.clock.now()
  return ctx.make({
    userId: 'user-ünïcødé-🔑',
    authHash: 'hmac-sha256$Zm9vYmFy',
    credentials: { cookie: 'c2hhMjU2LW9mLWNvb2tpZQ', token: 'c2hhMjU2LW9mLXRva2Vu' },
    createdAt: now - 5000,
    lastSeenAt: now - 1000,
    idleExpiresAt: now + 20 * 60_000,
    absoluteExpiresAt: now + 8 * 60 * 60_000,
    version: 7,
    data: {
      cart: [
        { sku: 'A-1', qty: 2, price: 9.99 },
        { sku: 'B-2', qty: 1, price: 0.1 },
      ],
      profile: {
        name: 'Zoë 李小龙 שלום مرحبا',
        emoji: '👩‍💻🏳️‍🌈 e\u0301',
        escapes: 'quote " backslash \\ slash / newline \n tab \t',
        nested: { deeper: { deepest: [true, false, null, [], {}, [[1], { x: [] }]] } },
      },
      'dotted.key': 1,
      $dollar: -42,
      '': 'empty key',
      'ключ 🔑': 'unicode key',
      big: Number.MAX_SAFE_INTEGER,
      tiny: -1e-7,
      zero: 0,
      flag: false,
      nothing: null,
    },
    meta: {
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)',
      ip: '2001:db8::1',
      idleTimeout: 600,
      browserSession: true,
    },
    // The core's own state, kept beside the data: a store must keep these fields too.
    csrfSecret: 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF',
    authenticatedAt: now - 4000,
    jwtClaims: { username: 'zoë', roles: ['admin'], verified: true },
  })
}
