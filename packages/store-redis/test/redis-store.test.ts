import { randomBytes } from 'node:crypto'
import { createServer, type Server, type Socket } from 'node:net'
import { ConfigError, SessionManager, type SessionRecord, StoreError } from '@tessera/core'
import { RedisRateLimitStore, RedisStore } from '@tessera/store-redis'
import {
  describeRateLimitStore,
  describeSessionStore,
  ManualClock,
  makeRecord,
} from '@tessera/testing'
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteRedisKeys, redisKeysOf } from '../../../test-support/delete-redis-keys.js'
import { hundredWriters } from '../../../test-support/hundred-writers.js'
import { checkLegacyRecordLoads } from '../../../test-support/legacy-session-record.js'
import { loginBurst } from '../../../test-support/login-burst.js'
import { checkMalformedRecordsRefused } from '../../../test-support/malformed-session-record.js'
import { type RedisCluster, startRedisCluster } from '../../../test-support/redis-cluster.js'
import { redisGates } from '../../../test-support/redis-gates.js'
import { checkSharedRecordReads } from '../../../test-support/shared-record-reads.js'

// The cluster is started by this file from the binaries: it needs no running Redis.
const { host: HOST, port: PORT, gate, clusterGate } = await redisGates()
// The unreachable-server tests use ports of this machine that nothing (useful) listens on.
const LOOPBACK = '127.0.0.1'
const SECRET = 'test-secret-test-secret-test-secret-0123'

// Every key this file writes starts with this root, so a crashed run is easy to find.
const root = `tessera-test:${randomBytes(4).toString('hex')}:`
let prefixes = 0
const freshPrefix = (): string => `${root}${++prefixes}:`

describe.skipIf(gate.skip)('redis (standalone)', () => {
  let client: Redis
  const extra: Redis[] = []
  const connect = (options = {}): Redis => {
    const c = new Redis({ host: HOST, port: PORT, ...options })
    extra.push(c)
    return c
  }

  beforeAll(() => {
    client = connect()
  })
  afterAll(async () => {
    await deleteRedisKeys(client, root)
    await Promise.all(extra.map((c) => c.quit().catch(() => c.disconnect())))
  })

  describeSessionStore('redis (standalone)', () => harness(client), { nativeExpiry: true })
  describeRateLimitStore(
    'redis (standalone)',
    () => new RedisRateLimitStore({ client, prefix: freshPrefix() }),
  )

  it('two stores with their own clients see each other’s writes (two app instances)', async () => {
    await twoInstances(client, connect())
  })

  it('100 concurrent writers to one session through SessionManager: all keys land', async () => {
    await hundredWriters(new RedisStore({ client, prefix: freshPrefix() }), 'standalone')
  })

  it('getShared hands out one frozen record while the hash is unchanged; another instance’s writes are read anew', async () => {
    const clock = new ManualClock()
    const prefix = freshPrefix()
    const one = new RedisStore({ client, prefix, clock: clock.now })
    const two = new RedisStore({ client: connect(), prefix, clock: clock.now })
    const { first, touched } = await checkSharedRecordReads(one, two, clock)
    // The times live beside the JSON: a touch gives a copy that shares the frozen data.
    expect(touched?.data).toBe(first.data)
  })

  it('100 concurrent logins of one user with a cap of 10 leave exactly the 10 newest', async () => {
    await loginBurst(new RedisStore({ client, prefix: freshPrefix() }), 'burst')
  })

  it('loads a hash written before the CSRF secret, login time and JWT claims were record fields', async () => {
    const prefix = freshPrefix()
    await checkLegacyRecordLoads(new RedisStore({ client, prefix }), {
      write: async (id, json) => {
        await client.hset(`${prefix}s:{${id}}`, 'rec', json)
      },
      read: async (id) => (await client.hget(`${prefix}s:{${id}}`, 'rec')) as string,
    })
  })

  it('reads a hash of the wrong shape planted in Redis as a store failure, never a crash', async () => {
    const prefix = freshPrefix()
    await checkMalformedRecordsRefused(new RedisStore({ client, prefix }), {
      write: async (id, json) => {
        await client.hset(`${prefix}s:{${id}}`, 'rec', json)
      },
      read: async (id) => (await client.hget(`${prefix}s:{${id}}`, 'rec')) as string,
    })
  })

  it('concurrent moves between users never lose the session from its owner’s index', async () => {
    await movesBetweenUsers(new RedisStore({ client, prefix: freshPrefix() }))
  })

  it('lays out one hash per session and one sorted set per user, both with TTLs', async () => {
    const prefix = freshPrefix()
    const clock = new ManualClock(Date.now())
    const store = new RedisStore({ client, prefix, clock: clock.now })
    const record = makeRecord({ userId: 'alice', data: { n: 1 } }, clock.now())
    await store.create(record)
    const sessionKey = `${prefix}s:{${record.id}}`
    const userKey = `${prefix}u:{alice}`
    expect(await client.type(sessionKey)).toBe('hash')
    expect(await client.type(userKey)).toBe('zset')
    expect(JSON.parse((await client.hget(sessionKey, 'rec')) as string)).toEqual(record)
    const ttl = await client.pttl(sessionKey)
    expect(ttl).toBeGreaterThan(30 * 60_000 - 5000)
    expect(ttl).toBeLessThanOrEqual(30 * 60_000)
    expect(await client.pttl(userKey)).toBeGreaterThanOrEqual(ttl - 100)
    expect(await client.zrange(userKey, '0', '-1')).toEqual([record.id])

    // touch moves the TTL along with the idle deadline, and never the version.
    clock.advance(60_000)
    await store.touch(record.id, clock.now(), clock.now() + 60 * 60_000)
    expect(await client.pttl(sessionKey)).toBeGreaterThan(60 * 60_000 - 5000)
    expect(await client.pttl(userKey)).toBeGreaterThan(60 * 60_000 - 5000)
    expect((await store.get(record.id))?.version).toBe(record.version)
  })

  it('deleteExpired answers 0 and prunes dead members from the user indexes via SCAN', async () => {
    const prefix = freshPrefix()
    const clock = new ManualClock()
    const store = new RedisStore({ client, prefix, clock: clock.now })
    const live = makeRecord({ userId: 'u1' }, clock.now())
    const short = makeRecord({ userId: 'u1', idleExpiresAt: clock.now() + 1000 }, clock.now())
    await store.create(live)
    await store.create(short)
    clock.advance(1000)
    expect(await store.deleteExpired()).toBe(0)
    expect(await client.zrange(`${prefix}u:{u1}`, '0', '-1')).toEqual([live.id])
  })

  it('works through a client with its own keyPrefix, SCAN included', async () => {
    const prefixed = connect({ keyPrefix: `${root}kp:` })
    const clock = new ManualClock()
    const store = new RedisStore({ client: prefixed, clock: clock.now })
    const a = makeRecord({ userId: 'u1' }, clock.now())
    const b = makeRecord({ userId: 'u1', idleExpiresAt: clock.now() + 1000 }, clock.now())
    await store.create(a)
    await store.create(b)
    expect(await client.exists(`${root}kp:tessera:s:{${a.id}}`)).toBe(1)
    clock.advance(1000)
    expect(await store.deleteExpired()).toBe(0)
    expect(await client.zrange(`${root}kp:tessera:u:{u1}`, '0', '-1')).toEqual([a.id])
    expect(await store.listByUser('u1')).toEqual([a])
    const seen = new Map<string, SessionRecord>()
    for await (const page of store.scan()) for (const r of page) seen.set(r.id, r)
    expect([...seen.values()]).toEqual([a])
  })

  it('pruneUserIndexes reports the indexes it walked and the dead members it removed', async () => {
    const prefix = freshPrefix()
    const clock = new ManualClock()
    const store = new RedisStore({ client, prefix, clock: clock.now })
    const now = clock.now()
    for (const userId of ['u1', 'u2', 'u3']) {
      await store.create(makeRecord({ userId }, now))
      for (let i = 0; i < 3; i++) {
        await store.create(makeRecord({ userId, idleExpiresAt: now + 1000 }, now))
      }
    }
    clock.advance(1000)
    const progress: { indexes: number; removed: number }[] = []
    const result = await store.pruneUserIndexes({ onProgress: (p) => progress.push(p) })
    // SCAN may visit a key twice while the shared server resizes its keyspace, so the
    // index count is at least 3; removal is idempotent, so the member count is exact.
    expect(result.removed).toBe(9)
    expect(result.indexes).toBeGreaterThanOrEqual(3)
    expect(progress.at(-1)).toEqual(result)
    expect((await store.pruneUserIndexes()).removed).toBe(0)
  })

  it('sends the reads of one event-loop turn to Redis in one write, each answered right', async () => {
    const own = connect()
    await own.ping()
    const store = new RedisStore({ client: own, prefix: freshPrefix() })
    const records = Array.from({ length: 40 }, (_, i) => makeRecord({ id: `turn-${i}` }))
    for (const record of records) expect(await store.create(record)).toBe(true)
    const socket = countSocketWrites(own)
    try {
      const ids = [...records.map((r) => r.id), 'turn-missing']
      const read = await Promise.all(ids.map((id) => store.get(id)))
      expect(read.map((r) => r?.id ?? null)).toEqual([...records.map((r) => r.id), null])
      expect(socket.writes).toEqual([ids.length])
      // A read issued from the turn's last phase (an immediate) is sent all the same.
      const late = await new Promise((resolve) => setImmediate(() => resolve(store.get('turn-0'))))
      expect((late as SessionRecord | null)?.id).toBe('turn-0')
    } finally {
      socket.restore()
    }
  })

  it('without clientSideCache, a session read leaves in the turn that asked for it', async () => {
    const own = connect()
    await own.ping()
    const store = new RedisStore({ client: own, prefix: freshPrefix() })
    // No getNow: the manager's loads do not wait for the end of the turn (batchLoads),
    // which would hold the read until the next turn's end, where the cork lets it go.
    expect(store.getNow).toBeUndefined()
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = `sessionid=${'A'.repeat(22)}.${'B'.repeat(43)}`
    const socket = countSocketWrites(own)
    try {
      const read = manager.open({ cookie, secure: false }).get('n')
      // An immediate queued after the read runs after the cork's, in the same turn.
      await new Promise((resolve) => setImmediate(resolve))
      expect(socket.writes).toEqual([1])
      expect(await read).toBeUndefined() // no such session: a new one
    } finally {
      socket.restore()
    }
  })

  it('sends the writes of one event-loop turn (scripts) to Redis in one write, each applied', async () => {
    const own = connect()
    await own.ping()
    const store = new RedisStore({ client: own, prefix: freshPrefix() })
    const limits = new RedisRateLimitStore({ client: own, prefix: freshPrefix() })
    // Anonymous sessions: create and update are one script each, with no index write.
    const records = Array.from({ length: 20 }, (_, i) => makeRecord({ id: `write-${i}` }))
    // Once each first, so the scripts are loaded and no NOSCRIPT retry joins the count.
    expect(await store.create(makeRecord({ id: 'write-warm' }))).toBe(true)
    await limits.hit('warm', 60_000, Date.now())
    const socket = countSocketWrites(own)
    try {
      const created = await Promise.all(records.map((r) => store.create(r)))
      expect(created.every((c) => c)).toBe(true)
      expect(socket.writes).toEqual([records.length])
      socket.writes.length = 0
      const changed = records.map((r) => ({ ...r, data: { n: 1 }, version: r.version + 1 }))
      const [updates, hits] = await Promise.all([
        Promise.all(changed.map((r) => store.update(r, r.version - 1))),
        Promise.all(Array.from({ length: 5 }, () => limits.hit('burst', 60_000, Date.now()))),
      ])
      expect(updates.every((u) => u === 'ok')).toBe(true)
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5])
      expect(socket.writes).toEqual([records.length + hits.length])
    } finally {
      socket.restore()
    }
    expect((await store.get('write-7'))?.data).toEqual({ n: 1 })
  })

  it('reads through a client that has not connected yet (lazyConnect)', async () => {
    const lazy = connect({ lazyConnect: true })
    const store = new RedisStore({ client: lazy, prefix: freshPrefix() })
    expect(await store.get('nobody')).toBeNull()
  })

  it('rejects a missing client and a prefix with hash-tag braces', () => {
    expect(() => new RedisStore({} as never)).toThrow(ConfigError)
    expect(() => new RedisStore({ client, prefix: 'a{b}:' })).toThrow(ConfigError)
    expect(() => new RedisRateLimitStore({ client, prefix: '{x}' })).toThrow(ConfigError)
  })
})

describe.skipIf(clusterGate.skip)('redis (cluster)', () => {
  let cluster: RedisCluster | undefined
  let client: Cluster
  const extra: Cluster[] = []
  const connect = async (): Promise<Cluster> => {
    const nodes = (cluster as RedisCluster).nodes
    const c = new Cluster(nodes, { clusterRetryStrategy: () => null })
    extra.push(c)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('cluster client not ready in 10 s')), 10_000)
      c.once('ready', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    return c
  }

  beforeAll(async () => {
    cluster = await startRedisCluster()
    client = await connect()
  })
  afterAll(async () => {
    await Promise.all(extra.map((c) => c.quit().catch(() => c.disconnect())))
    await cluster?.stop()
  })

  describeSessionStore('redis (cluster)', () => harness(client), { nativeExpiry: true })
  describeRateLimitStore(
    'redis (cluster)',
    () => new RedisRateLimitStore({ client, prefix: freshPrefix() }),
  )

  it('spreads sessions over every master and keeps each session in its id’s slot', async () => {
    const prefix = freshPrefix()
    const store = new RedisStore({ client, prefix })
    const records = Array.from({ length: 30 }, () => makeRecord({ userId: 'alice' }))
    for (const r of records) expect(await store.create(r)).toBe(true)
    for (const r of records.slice(0, 3)) {
      const slot = await client.cluster('KEYSLOT', `${prefix}s:{${r.id}}`)
      expect(slot).toBe(await client.cluster('KEYSLOT', r.id))
    }
    const perNode = await Promise.all(
      client.nodes('master').map(async (node) => (await redisKeysOf(node, prefix)).length),
    )
    expect(perNode.filter((n) => n > 0).length).toBe(3)
    expect(await store.listByUser('alice')).toHaveLength(30)
    expect(await store.deleteByUser('alice', records[0]?.id)).toBe(29)
    expect(await store.listByUser('alice')).toEqual([records[0]])
  })

  it('two stores with their own clients see each other’s writes (two app instances)', async () => {
    await twoInstances(client, await connect())
  })

  it('100 concurrent writers to one session through SessionManager: all keys land', async () => {
    await hundredWriters(new RedisStore({ client, prefix: freshPrefix() }), 'cluster')
  })

  it('100 concurrent logins of one user with a cap of 10 leave exactly the 10 newest', async () => {
    await loginBurst(new RedisStore({ client, prefix: freshPrefix() }), 'burst')
  })

  it('concurrent moves between users never lose the session from its owner’s index', async () => {
    await movesBetweenUsers(new RedisStore({ client, prefix: freshPrefix() }))
  })

  it('deleteExpired scans every master and prunes dead index members', async () => {
    const prefix = freshPrefix()
    const clock = new ManualClock()
    const store = new RedisStore({ client, prefix, clock: clock.now })
    const users = Array.from({ length: 12 }, (_, i) => `user-${i}`)
    for (const userId of users) {
      await store.create(makeRecord({ userId, idleExpiresAt: clock.now() + 1000 }, clock.now()))
    }
    clock.advance(1000)
    expect(await store.deleteExpired()).toBe(0)
    for (const userId of users) expect(await client.zcard(`${prefix}u:{${userId}}`)).toBe(0)
  })
})

describe('redis unreachable', () => {
  const listeners: Server[] = []
  const sockets: Socket[] = []
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await Promise.all(listeners.map((l) => new Promise((r) => l.close(r))))
  })

  const sessionOn = (client: Redis | Cluster) => {
    const manager = new SessionManager({
      store: new RedisStore({ client }),
      secret: SECRET,
      storeTimeout: 300,
    })
    return manager.open({ cookie: `sessionid=${'A'.repeat(22)}.${'B'.repeat(43)}`, secure: false })
  }
  const failFast = {
    host: LOOPBACK,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  }

  it('a dead port fails session.get() with STORE_UNAVAILABLE, fast', async () => {
    const port = await deadPort()
    const client = new Redis({ ...failFast, port })
    client.on('error', () => undefined)
    const started = Date.now()
    const error = await sessionOn(client)
      .get('a')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('STORE_UNAVAILABLE')
    expect(Date.now() - started).toBeLessThan(1000)
    client.disconnect()
  })

  it('a Cluster client whose nodes are all dead fails with STORE_UNAVAILABLE, fast', async () => {
    const port = await deadPort()
    const client = new Cluster([{ host: LOOPBACK, port }], {
      enableOfflineQueue: false,
      clusterRetryStrategy: () => null,
    })
    client.on('error', () => undefined)
    const started = Date.now()
    const error = await sessionOn(client)
      .get('a')
      .catch((e: unknown) => e)
    expect((error as StoreError).code).toBe('STORE_UNAVAILABLE')
    expect(Date.now() - started).toBeLessThan(1000)
    client.disconnect()
  })

  it('a server that accepts but never answers fails with STORE_TIMEOUT at storeTimeout', async () => {
    const silent = createServer((socket) => sockets.push(socket))
    listeners.push(silent)
    await new Promise<void>((r) => silent.listen(0, LOOPBACK, r))
    const port = (silent.address() as { port: number }).port
    // ioredis's defaults: commands wait in the offline queue while the handshake hangs.
    const client = new Redis({ host: LOOPBACK, port, retryStrategy: () => null })
    client.on('error', () => undefined)
    const started = Date.now()
    const error = await sessionOn(client)
      .get('a')
      .catch((e: unknown) => e)
    expect((error as StoreError).code).toBe('STORE_TIMEOUT')
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(Date.now() - started).toBeLessThan(1000)
    client.disconnect()
  })
})

/** A fresh store under its own prefix on `client`, whose keys go when the test ends. */
function harness(client: Redis | Cluster) {
  const clock = new ManualClock()
  const prefix = freshPrefix()
  const store = new RedisStore({ client, prefix, clock: clock.now })
  return { store, clock, teardown: () => deleteRedisKeys(client, prefix) }
}

async function twoInstances(a: Redis | Cluster, b: Redis | Cluster): Promise<void> {
  const prefix = freshPrefix()
  const one = new RedisStore({ client: a, prefix })
  const two = new RedisStore({ client: b, prefix })
  const record = makeRecord({ userId: 'alice', data: { from: 'one' } })
  expect(await one.create(record)).toBe(true)
  expect(await two.get(record.id)).toEqual(record)
  expect(await two.create({ ...record, data: { from: 'two' } })).toBe(false)
  const next = { ...record, data: { from: 'two' }, version: 2 }
  expect(await two.update(next, 1)).toBe('ok')
  expect(await one.update({ ...record, version: 2 }, 1)).toBe('conflict')
  expect(await one.get(record.id)).toEqual(next)
  expect(await one.listByUser('alice')).toEqual([next])
  expect(await two.deleteByUser('alice')).toBe(1)
  expect(await one.get(record.id)).toBeNull()
}

/**
 * Writers race to move one session between alice and bob (compare-and-set loops). At
 * the end the owner's index must list it and the other user's must not: the index
 * clean-up of one writer must never undo the indexing of the next.
 */
async function movesBetweenUsers(store: RedisStore): Promise<void> {
  const initial = makeRecord({ userId: 'alice' })
  await store.create(initial)
  const writer = async (i: number): Promise<void> => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const current = (await store.get(initial.id)) as SessionRecord
      const next = {
        ...current,
        userId: i % 2 === 0 ? 'bob' : 'alice',
        data: { ...current.data, [`w${i}`]: i },
        version: current.version + 1,
      }
      if ((await store.update(next, current.version)) === 'ok') return
    }
    throw new Error('no progress')
  }
  await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)))
  const final = (await store.get(initial.id)) as SessionRecord
  expect(Object.keys(final.data)).toHaveLength(20)
  const other = final.userId === 'alice' ? 'bob' : 'alice'
  expect(await store.listByUser(final.userId as string)).toEqual([final])
  expect(await store.listByUser(other)).toEqual([])
  expect(await store.deleteByUser(other)).toBe(0)
  expect(await store.deleteByUser(final.userId as string)).toBe(1)
}

/** Deletes every key under `prefix`, on one server or every Cluster master (SCAN + UNLINK). */
/** A loopback port nothing listens on (bound, then released). */
function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.listen(0, LOOPBACK, () => {
      const port = (probe.address() as { port: number }).port
      probe.close(() => resolve(port))
    })
  })
}

/**
 * Counts what reaches the socket of `client` through its own write methods (Node's
 * Writable implementer API): one entry per system call, holding how many chunks it
 * carried, whatever was queued while the socket was corked.
 */
function countSocketWrites(client: Redis): { writes: number[]; restore: () => void } {
  const socket = client.stream as unknown as {
    _write: (...a: unknown[]) => void
    _writev?: (...a: unknown[]) => void
  }
  const writes: number[] = []
  const write = socket._write
  const writev = socket._writev
  socket._write = function (...a) {
    writes.push(1)
    return write.apply(this, a)
  }
  if (writev) {
    socket._writev = function (...a) {
      writes.push((a[0] as unknown[]).length)
      return writev.apply(this, a)
    }
  }
  return {
    writes,
    restore: () => {
      socket._write = write
      if (writev) socket._writev = writev
    },
  }
}
