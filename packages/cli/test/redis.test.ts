import { randomBytes } from 'node:crypto'
import { Keyring, publicSessionId, type SessionRecord } from '@tessera/core'
import { RedisStore } from '@tessera/store-redis'
import { ManualClock } from '@tessera/testing'
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteRedisKeys, redisKeysOf } from '../../../test-support/delete-redis-keys.js'
import { type RedisCluster, startRedisCluster } from '../../../test-support/redis-cluster.js'
import { redisGates } from '../../../test-support/redis-gates.js'
import { lines, tessera } from './support/run-tessera.js'
import { AN_HOUR_AGO, expiredRecords, liveRecord, SECRET } from './support/seed.js'

const { host: HOST, port: PORT, gate, clusterGate } = await redisGates()

// Every key this file writes starts with this root, deleted at the end.
const root = `tessera-cli-test:${randomBytes(4).toString('hex')}:`
let prefixes = 0
const freshPrefix = (): string => `${root}${++prefixes}:`
const URL_ = `redis://${HOST}:${PORT}`

/**
 * Creates `records` through the store, 500 at a time, with the store's clock at each
 * record's creation time. The expired ones are written "an hour ago": their hashes get
 * one second of TTL, and Redis drops them by itself, as it does in production; what
 * stays behind are their entries in the per-user indexes.
 */
async function create(
  store: RedisStore,
  clock: ManualClock,
  records: Iterable<SessionRecord>,
): Promise<void> {
  let batch: Promise<boolean>[] = []
  for (const record of records) {
    clock.set(record.createdAt)
    batch.push(store.create(record))
    if (batch.length === 500) {
      expect((await Promise.all(batch)).every(Boolean)).toBe(true)
      batch = []
    }
  }
  expect((await Promise.all(batch)).every(Boolean)).toBe(true)
}

describe.skipIf(gate.skip)('tessera on Redis (the real binary)', () => {
  let client: Redis
  beforeAll(() => {
    client = new Redis({ host: HOST, port: PORT })
  })
  afterAll(async () => {
    await deleteRedisKeys(client, root)
    await client.quit()
  })

  it('clearsessions after 100,000 sessions expired: removes their 100,000 user-index entries, says keys expire natively, keeps the live sessions', async () => {
    // In Redis, "100,000 expired sessions" are 100,000 sessions whose hashes Redis has
    // expired (native TTLs) and whose entries remain in the indexes of the 100 users who
    // still have a live session. clearsessions must remove exactly those entries.
    const prefix = freshPrefix()
    const clock = new ManualClock(AN_HOUR_AGO)
    const store = new RedisStore({ client, prefix, clock: clock.now })
    const users = Array.from({ length: 100 }, (_, i) => `user-${i}`)
    const live = users.map((u) => liveRecord(u))
    await create(store, clock, live)
    const expired = [...expiredRecords(100_000, 100)].map((r) => ({
      ...r,
      userId: r.userId ?? 'user-0',
    }))
    await create(store, clock, expired)
    const entries = async () =>
      (await Promise.all(users.map((u) => client.zcard(`${prefix}u:{${u}}`)))).reduce(
        (a, b) => a + b,
        0,
      )
    expect(await entries()).toBe(100_100)

    const run = await tessera(['clearsessions', '--store', URL_, '--prefix', prefix])
    expect(run.code).toBe(0)
    // SCAN may visit a key twice while the shared server resizes its keyspace: the index
    // count may then exceed 100, but removing dead members is idempotent, so the number
    // of entries removed is exact.
    const summary =
      /^Redis expires sessions natively \(TTLs\): no session keys to delete\. Removed 100000 stale user-index entries from (\d+) user indexes in (.*)\n$/
    expect(run.stdout).toMatch(summary)
    const [, indexes, where] = summary.exec(run.stdout) as RegExpExecArray
    expect(Number(indexes)).toBeGreaterThanOrEqual(100)
    expect(where).toBe(`${URL_} (prefix ${prefix})`)
    expect(await entries()).toBe(100)
    clock.set(Date.now())
    for (const r of live.slice(0, 5)) expect(await store.get(r.id)).toEqual(r)
    for (const r of expired.slice(0, 5)) expect(await store.get(r.id)).toBeNull()

    // Every live session is still listed, and none of the expired ones.
    const list = await tessera(
      ['sessions', 'list', '--store', URL_, '--prefix', prefix, '--json'],
      {
        env: { TESSERA_SECRET: SECRET },
      },
    )
    expect(list.code).toBe(0)
    // (A session may be listed twice for the same SCAN reason; the set is what counts.)
    const listed = new Set(lines(list.stdout).map((line) => JSON.parse(line).id))
    const keys = new Keyring(SECRET)
    expect(listed).toEqual(new Set(await Promise.all(live.map((r) => publicSessionId(keys, r.id)))))
  })

  it('sessions list and revoke by public id and by user', async () => {
    const prefix = freshPrefix()
    const store = new RedisStore({ client, prefix })
    const keys = new Keyring(SECRET)
    const frank1 = liveRecord('frank', { userAgent: 'Chrome/141', ip: '192.0.2.10' })
    const frank2 = liveRecord('frank')
    const anon = liveRecord(null)
    for (const r of [frank1, frank2, anon]) await store.create(r)
    const env = { TESSERA_SECRET: SECRET }
    const base = ['--store', URL_, '--prefix', prefix]

    const list = await tessera(['sessions', 'list', ...base, '--json'], { env })
    expect(list.code).toBe(0)
    const rows = lines(list.stdout).map((line) => JSON.parse(line))
    // A set: SCAN on the shared server may, rarely, list a session twice.
    expect(new Set(rows.map((r) => r.id))).toEqual(
      new Set(await Promise.all([frank1, frank2, anon].map((r) => publicSessionId(keys, r.id)))),
    )
    expect(rows.find((r) => r.ip === '192.0.2.10')).toMatchObject({
      user: 'frank',
      userAgent: 'Chrome/141',
    })

    const anonId = await publicSessionId(keys, anon.id)
    const one = await tessera(['sessions', 'revoke', anonId, ...base], { env })
    expect(one.stdout).toBe(
      `revoked 1 session (${anonId}, an anonymous session) in ${URL_} (prefix ${prefix})\n`,
    )
    const all = await tessera(['sessions', 'revoke', '--user', 'frank', ...base])
    expect(all.stdout).toBe(`revoked 2 sessions of user frank in ${URL_} (prefix ${prefix})\n`)
    for (const r of [frank1, frank2, anon]) expect(await store.get(r.id)).toBeNull()
  })
})

describe.skipIf(clusterGate.skip)('tessera on a Redis Cluster (the real binary)', () => {
  let cluster: RedisCluster
  let client: Cluster
  beforeAll(async () => {
    cluster = await startRedisCluster()
    client = new Cluster(cluster.nodes)
  }, 120_000)
  afterAll(async () => {
    await client?.quit()
    await cluster?.stop()
  })

  it('lists sessions from every master, prunes every master’s indexes, revokes a user', async () => {
    const prefix = freshPrefix()
    const clock = new ManualClock(AN_HOUR_AGO)
    const store = new RedisStore({ client, prefix, clock: clock.now })
    const live = Array.from({ length: 30 }, (_, i) => liveRecord(`u${i % 10}`))
    await create(store, clock, live)
    await create(
      store,
      clock,
      [...expiredRecords(200, 10)].map((r) => ({ ...r, userId: `u${(r.data.n as number) % 10}` })),
    )
    const perMaster = await Promise.all(
      client.nodes('master').map(async (node) => (await redisKeysOf(node, `${prefix}s:`)).length),
    )
    expect(perMaster.filter((n) => n > 0).length).toBe(3) // the sessions really are spread out

    const url = `redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`
    const list = await tessera(['sessions', 'list', '--store', url, '--prefix', prefix, '--json'])
    expect(list.code).toBe(0)
    expect(lines(list.stdout)).toHaveLength(30)

    const clear = await tessera(['clearsessions', '--store', url, '--prefix', prefix])
    expect(clear.code).toBe(0)
    expect(clear.stdout).toMatch(/Removed 200 stale user-index entries from 10 user indexes/)

    const revoke = await tessera([
      'sessions',
      'revoke',
      '--user',
      'u3',
      '--store',
      url,
      '--prefix',
      prefix,
    ])
    expect(revoke.stdout).toMatch(/^revoked 3 sessions of user u3 in redis\+cluster:/)
  })
})
