import { randomBytes } from 'node:crypto'
import { ConfigError, SessionManager, type SessionRecord } from '@tessera/core'
import { RedisStore } from '@tessera/store-redis'
import { describeSessionStore, ManualClock, makeRecord } from '@tessera/testing'
import { Cluster, Redis } from 'ioredis'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { answerNow } from '../../../test-support/answer-now.js'
import { deleteRedisKeys } from '../../../test-support/delete-redis-keys.js'
import { redisGates } from '../../../test-support/redis-gates.js'

// RedisStore's clientSideCache against the shared Redis: another client of the same
// server plays the other app instance, as in a deployment. Nothing here flushes or
// kills more than the connections this file opened.
const { host: HOST, port: PORT, gate } = await redisGates()
const SECRET = 'test-secret-test-secret-test-secret-0123'
const root = `tessera-test-csc:${randomBytes(4).toString('hex')}:`
let prefixes = 0
const freshPrefix = (): string => `${root}${++prefixes}:`

describe.skipIf(gate.skip)('RedisStore clientSideCache', () => {
  const opened: Redis[] = []
  const stores: RedisStore[] = []
  const connect = (): Redis => {
    const client = new Redis({ host: HOST, port: PORT })
    opened.push(client)
    return client
  }
  /** A caching store on its own client, once Redis tracks its keys. */
  const cachingStore = async (
    options: { prefix?: string; clock?: ManualClock; maxAgeMs?: number; maxEntries?: number } = {},
  ): Promise<{ store: RedisStore; client: Redis }> => {
    const client = connect()
    const { prefix = freshPrefix(), clock, maxAgeMs = 60_000, maxEntries } = options
    const store = new RedisStore({
      client,
      prefix,
      ...(clock ? { clock: clock.now } : {}),
      clientSideCache: { maxAgeMs, ...(maxEntries ? { maxEntries } : {}) },
    })
    stores.push(store)
    await until(() => store.clientSideCacheStatus === 'live')
    return { store, client }
  }
  const plainStore = (prefix: string, clock?: ManualClock): RedisStore =>
    new RedisStore({ client: connect(), prefix, ...(clock ? { clock: clock.now } : {}) })

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()))
    const cleaner = connect()
    await deleteRedisKeys(cleaner, root)
    await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())))
  })

  describeSessionStore(
    'redis (standalone, clientSideCache)',
    async () => {
      const clock = new ManualClock()
      const prefix = freshPrefix()
      const { store, client } = await cachingStore({ prefix, clock })
      return {
        store,
        clock,
        teardown: async () => {
          await store.close()
          await deleteRedisKeys(client, prefix)
        },
      }
    },
    { nativeExpiry: true },
  )

  it('answers a session it read from what it kept, until maxAgeMs: shown with invalidations switched off behind its back', async () => {
    const clock = new ManualClock()
    const prefix = freshPrefix()
    const { store, client } = await cachingStore({ prefix, clock, maxAgeMs: 1000 })
    const other = plainStore(prefix, clock)
    const record = makeRecord({ data: { v: 1 } }, clock.now())
    await store.create(record)
    expect(answerNow(store, record.id)).toBeUndefined()
    await invalidationsDelivered(store, record.id)
    const first = await kept(store, record.id)
    expect(first).toEqual(record)
    expect(await store.getShared(record.id)).toBe(first)

    // As if every invalidation were lost (a stalled connection that reports nothing).
    await client.call('CLIENT', 'TRACKING', 'OFF')
    const next = { ...record, data: { v: 2 }, version: 2 }
    expect(await other.update(next, 1)).toBe('ok')
    clock.advance(999)
    expect(await store.getShared(record.id)).toBe(first)
    expect((await store.get(record.id))?.data).toEqual({ v: 2 })
    clock.advance(1)
    expect((await store.getShared(record.id))?.data).toEqual({ v: 2 })
  })

  it('sees another instance’s revocation, update and touch once Redis’s invalidation arrives, long before maxAgeMs', async () => {
    const prefix = freshPrefix()
    const { store } = await cachingStore({ prefix, maxAgeMs: 60_000 })
    const other = plainStore(prefix)
    const record = makeRecord({ userId: 'alice', data: { v: 1 } })
    await other.create(record)
    expect(await kept(store, record.id)).toEqual(record)

    const next = { ...record, data: { v: 2 }, version: 2 }
    expect(await other.update(next, 1)).toBe('ok')
    await until(async () => (await store.getShared(record.id))?.version === 2)

    expect(await other.touch(record.id, record.lastSeenAt + 7, record.idleExpiresAt + 7)).toBe(true)
    await until(
      async () => (await store.getShared(record.id))?.lastSeenAt === record.lastSeenAt + 7,
    )

    expect(await other.deleteByUser('alice')).toBe(1)
    await until(async () => (await store.getShared(record.id)) === null)
    expect(answerNow(store, record.id) ?? null).toBeNull()
  })

  it('a user logged out everywhere by another app instance is logged out here too (SessionManager)', async () => {
    const prefix = freshPrefix()
    const { store } = await cachingStore({ prefix })
    const here = new SessionManager({ store, secret: SECRET })
    const login = here.open({ cookie: undefined, secure: false })
    await login.setUser('alice')
    await login.cycleKey()
    const cookie = cookieFrom(await here.commit(login))
    const readUser = async (): Promise<string | null> => {
      const request = here.open({ cookie, secure: false })
      const userId = await request.getUserId()
      await here.commit(request)
      return userId
    }
    expect(await readUser()).toBe('alice')
    expect(await readUser()).toBe('alice')
    expect(await kept(store, cookie.slice('sessionid='.length).split('.')[0] as string)).toEqual(
      expect.objectContaining({ userId: 'alice' }),
    )
    // What "log out everywhere" does on another instance: the user's sessions go.
    expect(await plainStore(prefix).deleteByUser('alice')).toBe(1)
    await until(async () => (await readUser()) === null)
  })

  it('never answers older than its own writes, whenever the invalidation arrives', async () => {
    const { store } = await cachingStore()
    const record = makeRecord({ data: { v: 0 } })
    await store.create(record)
    let current = record
    for (let v = 1; v <= 50; v++) {
      await store.getShared(current.id)
      const next = { ...current, data: { v }, version: current.version + 1 }
      expect(await store.update(next, current.version)).toBe('ok')
      expect((answerNow(store, current.id) ?? (await store.getShared(current.id)))?.data).toEqual({
        v,
      })
      current = next
    }
  })

  it('reads racing another instance’s writes never leave a stale session kept (200 writes, reads in flight throughout)', async () => {
    const prefix = freshPrefix()
    const { store } = await cachingStore({ prefix, maxAgeMs: 60_000 })
    const other = plainStore(prefix)
    let current = makeRecord({ data: { v: 0 } })
    await other.create(current)
    let writing = true
    const readers = Array.from({ length: 8 }, async () => {
      while (writing) {
        await store.getShared(current.id)
        // A kept session answers without I/O: let the writer's replies in.
        await new Promise(setImmediate)
      }
    })
    for (let v = 1; v <= 200; v++) {
      const next = { ...current, data: { v }, version: current.version + 1 }
      expect(await other.update(next, current.version)).toBe('ok')
      current = next
    }
    writing = false
    await Promise.all(readers)
    await until(async () => (await store.getShared(current.id))?.version === current.version)
    expect(await kept(store, current.id)).toEqual(current)
  })

  it('keeps nothing while a connection is down, and tracks again after it comes back (the subscriber, then the client)', async () => {
    const prefix = freshPrefix()
    const { store, client } = await cachingStore({ prefix })
    const other = plainStore(prefix)
    const admin = connect()
    const record = makeRecord({ data: { v: 1 } })
    await other.create(record)

    for (const victim of ['subscriber', 'client'] as const) {
      expect(await kept(store, record.id)).toBeTruthy()
      const id =
        victim === 'client'
          ? await client.client('ID')
          : ((await client.call('CLIENT', 'TRACKINGINFO')) as unknown[])[3]
      expect(await admin.call('CLIENT', 'KILL', 'ID', String(id))).toBe(1)
      await until(() => store.clientSideCacheStatus === 'waiting')
      expect(answerNow(store, record.id)).toBeUndefined()
      await until(() => store.clientSideCacheStatus === 'live')
      const before = (await store.getShared(record.id)) as SessionRecord
      const next = { ...before, data: { v: before.version + 1 }, version: before.version + 1 }
      expect(await other.update(next, before.version)).toBe('ok')
      // Seen through the new connection's invalidation (maxAgeMs is 60 s).
      await until(async () => (await store.getShared(record.id))?.version === next.version)
    }
  })

  it('keeps at most maxEntries sessions, and never one that does not exist', async () => {
    const clock = new ManualClock()
    const prefix = freshPrefix()
    const { store, client } = await cachingStore({ prefix, clock, maxEntries: 2 })
    const other = plainStore(prefix, clock)
    const records = [1, 2, 3].map(() => makeRecord({ data: { v: 1 } }, clock.now()))
    for (const record of records) await other.create(record)
    // The creates' invalidations are in, then each is kept in turn: the first is pushed out.
    await invalidationsDelivered(store, records[0]?.id as string)
    for (const record of records) await kept(store, record.id)
    expect(answerNow(store, records[0]?.id as string)).toBeUndefined()
    const absent = makeRecord({ data: { v: 1 } }, clock.now())
    expect(await store.getShared(absent.id)).toBeNull()
    await client.call('CLIENT', 'TRACKING', 'OFF')
    for (const record of [...records, absent]) {
      if (record === absent) await other.create({ ...absent, data: { v: 2 } })
      else expect(await other.update({ ...record, data: { v: 2 }, version: 2 }, 1)).toBe('ok')
    }
    const seen = await Promise.all([...records, absent].map((r) => store.getShared(r.id)))
    // The first was pushed out by the third; the two kept are answered as read.
    expect(seen.map((r) => r?.data.v)).toEqual([2, 1, 1, 2])
  })

  it('keeps a session it wrote and read again in its first place: the one first kept longest ago makes room', async () => {
    const clock = new ManualClock()
    const prefix = freshPrefix()
    const { store, client } = await cachingStore({ prefix, clock, maxEntries: 2 })
    const other = plainStore(prefix, clock)
    const [first, second, third] = [1, 2, 3].map(() => makeRecord({ data: { v: 1 } }, clock.now()))
    if (!first || !second || !third) throw new Error('three records')
    for (const record of [first, second, third]) await other.create(record)
    await invalidationsDelivered(store, first.id)
    await kept(store, first.id)
    await kept(store, second.id)
    // No invalidation from here on: only the store's own forgetting is at work.
    await client.call('CLIENT', 'TRACKING', 'OFF')
    expect(await store.update({ ...first, data: { v: 2 }, version: 2 }, 1)).toBe('ok')
    expect(answerNow(store, first.id)).toBeUndefined()
    expect((await kept(store, first.id))?.data.v).toBe(2)
    await kept(store, third.id)
    // Written and kept again, the first session kept its place and made room; the
    // second, kept after it and not written since, is still answered.
    expect(answerNow(store, first.id)).toBeUndefined()
    expect(answerNow(store, second.id)?.data.v).toBe(1)
    expect(answerNow(store, third.id)?.data.v).toBe(1)
  })

  it('close() switches tracking off and closes its own connection; the client stays open and may cache again', async () => {
    const { store, client } = await cachingStore()
    const redirect = (await client.call('CLIENT', 'TRACKINGINFO')) as unknown[]
    await store.close()
    expect(((await client.call('CLIENT', 'TRACKINGINFO')) as unknown[])[1]).toEqual(['off'])
    const list = String(await client.call('CLIENT', 'LIST'))
    expect(list).not.toMatch(new RegExp(`^id=${redirect[3]} `, 'm'))
    expect(await client.ping()).toBe('PONG')
    const again = new RedisStore({ client, prefix: freshPrefix(), clientSideCache: true })
    stores.push(again)
    await until(() => again.clientSideCacheStatus === 'live')
  })

  it('a Redis user whose ACL forbids CLIENT gets every read from Redis and the status says why', async () => {
    const admin = connect()
    const user = `${root}no-client`
    await admin.call('ACL', 'SETUSER', user, 'on', 'nopass', '~*', '&*', '+@all', '-client')
    // Its own client, quit before the user goes (Redis then drops its connections).
    const client = new Redis({ host: HOST, port: PORT, username: user, password: 'unused' })
    const prefix = freshPrefix()
    const store = new RedisStore({ client, prefix, clientSideCache: true })
    try {
      await until(() => store.clientSideCacheStatus !== 'waiting')
      expect(store.clientSideCacheStatus).toBe('refused')
      expect(store.clientSideCacheRefusal).toMatch(/NOPERM/)
      const record = makeRecord({ data: { v: 1 } })
      await store.create(record)
      expect(await store.getShared(record.id)).toEqual(record)
      expect(answerNow(store, record.id)).toBeUndefined()
      const next = { ...record, data: { v: 2 }, version: 2 }
      expect(await plainStore(prefix).update(next, 1)).toBe('ok')
      expect((await store.getShared(record.id))?.data).toEqual({ v: 2 })
    } finally {
      await store.close()
      await client.quit()
      await admin.call('ACL', 'DELUSER', user)
    }
  })

  it('refuses what it cannot honour, with exact messages', async () => {
    const bad = (clientSideCache: unknown, client: Redis | Cluster = connect()): unknown =>
      new RedisStore({ client, clientSideCache: clientSideCache as boolean })
    expect(() => bad('yes')).toThrow(
      new ConfigError(
        'RedisStore: "clientSideCache" must be true, false or { maxAgeMs, maxEntries }',
      ),
    )
    for (const maxAgeMs of [0, 1.5, 60_001, '1000']) {
      expect(() => bad({ maxAgeMs })).toThrow(
        'RedisStore: "clientSideCache.maxAgeMs" must be a whole number of milliseconds from 1 to 60000',
      )
    }
    for (const maxEntries of [0, -1, 1_000_001, Number.NaN]) {
      expect(() => bad({ maxEntries })).toThrow(
        'RedisStore: "clientSideCache.maxEntries" must be a whole number from 1 to 1000000',
      )
    }
    const cluster = new Cluster([{ host: HOST, port: PORT }], { lazyConnect: true })
    expect(() => bad(true, cluster)).toThrow(
      'RedisStore: "clientSideCache" needs a standalone or Sentinel client (new Redis(...)), not a Cluster',
    )
    const { client } = await cachingStore()
    expect(() => bad(true, client)).toThrow(
      'RedisStore: another RedisStore with "clientSideCache" uses this client; give each its own client (client.duplicate())',
    )
    expect(new RedisStore({ client, clientSideCache: false }).clientSideCacheStatus).toBe('off')
  })
})

/** The session `id` once `store` keeps it (a late invalidation of an earlier write may drop a read). */
async function kept(store: RedisStore, id: string): Promise<SessionRecord | null> {
  let answer: SessionRecord | null | undefined
  await until(async () => {
    await store.getShared(id)
    answer = answerNow(store, id)
    return answer !== undefined
  })
  return answer ?? null
}

/**
 * Returns once every invalidation Redis sent `store` so far has been read: Redis delivers
 * them in order, so once a message published now has emptied what the store keeps (a
 * message that is not a list of keys drops everything), every earlier one is in. `id`:
 * any live session, kept to see that happen.
 */
async function invalidationsDelivered(store: RedisStore, id: string): Promise<void> {
  await kept(store, id)
  const publisher = new Redis({ host: HOST, port: PORT })
  try {
    await publisher.publish('__redis__:invalidate', 'barrier')
    await until(() => answerNow(store, id) === undefined)
  } finally {
    await publisher.quit()
  }
}

/** Polls `condition` every 5 ms until it holds (vitest's `waitUntil`); fails after 5 s. */
const until = (condition: () => boolean | Promise<boolean>): Promise<true> =>
  vi.waitUntil(condition, { timeout: 5000, interval: 5 })

function cookieFrom(result: { setCookie: string[] }): string {
  const header = result.setCookie.find((c) => c.startsWith('sessionid='))
  if (!header) throw new Error('no sessionid cookie was set')
  return header.split(';')[0] as string
}
