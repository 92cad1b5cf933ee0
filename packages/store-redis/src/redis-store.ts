import {
  type Clock,
  ConfigError,
  expiresAt,
  ParsedRecordCache,
  type ScanOptions,
  type SessionRecord,
  type SessionStore,
  StoreError,
  scanBatchSize,
  type UpdateResult,
} from '@tessera/core'
import type { Cluster, Redis } from 'ioredis'
import type { ClientSideCacheOptions } from './client-side-cache-options.js'
import { corkUntilTurnEnds } from './lib/cork-until-turn-ends.js'
import { decimalTime } from './lib/decimal-time.js'
import { defineScript, type ScriptCall } from './lib/define-script.js'
import {
  CREATE,
  DELETE,
  DELETE_IF_OWNER,
  INDEX_ADD,
  INDEX_LIST,
  INDEX_REMOVE_IF_SCORE,
  TOUCH,
  UPDATE,
} from './lib/lua.js'
import { openClientSideCache } from './lib/open-client-side-cache.js'
import type { RedisClient } from './lib/redis-client.js'
import { scanKeys } from './lib/scan-keys.js'
import type { Row, TrackedRows } from './lib/tracked-rows.js'

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * A connected ioredis client: `new Redis(...)` for one server or Sentinel,
   * `new Cluster(...)` for Redis Cluster. The application owns it: the store never
   * connects, quits or reconfigures it (it only registers its Lua scripts on it).
   */
  client: Redis | Cluster
  /**
   * Prepended to every key the store writes (after the client's own `keyPrefix`, if
   * any). Must not contain `{` or `}`: those would become the Cluster hash tag and put
   * every session in one slot.
   * @default 'tessera:'
   */
  prefix?: string
  /**
   * Source of the current time: decides which records are live and how long their TTLs
   * run. Redis's own clock is never consulted.
   * @default Date.now
   */
  clock?: Clock
  /**
   * Keep the sessions this process read and answer `getShared` (the manager's read)
   * from them, without a round trip, until Redis says they changed: Redis's
   * client-side caching (`CLIENT TRACKING ... BCAST`), which sends the key of every
   * session any process writes to a second connection the store opens
   * (`client.duplicate()`) for as long as it lives. `true` or the limits; off by default.
   *
   * What it changes: a session revoked or changed by another process is seen once the
   * invalidation arrives (Redis sends it as it runs the write, so about one network
   * hop later, where without the cache the next read would see it); this process's
   * own writes are seen at once. While either connection is down nothing is kept, and
   * a kept session is answered for at most `maxAgeMs` after it was read, so a silently
   * stalled invalidation connection cannot keep a revoked session alive for longer.
   * Needs Redis 6 or later and a standalone or Sentinel client (not a Cluster), and
   * one caching store per client. Call `store.close()` at shutdown: it closes the
   * second connection.
   * @default false
   */
  clientSideCache?: boolean | ClientSideCacheOptions
}

// Commands in flight at once when walking a user's sessions or a SCAN page.
const PARALLEL = 100
// touch re-reads the owner when a concurrent update moved the session to another user.
const TOUCH_ROUNDS = 8

type Scripts = Record<
  | 'create'
  | 'update'
  | 'touch'
  | 'delete'
  | 'deleteIfOwner'
  | 'indexAdd'
  | 'indexRemoveIfScore'
  | 'indexList',
  ScriptCall
>

/**
 * A {@link SessionStore} on Redis or Redis Cluster, through ioredis.
 *
 * **Data layout** (`p` is the prefix, `tessera:` by default):
 * - `p s:{<id>}` — one hash per session: `rec` (the whole record as JSON, stored
 *   verbatim), `ver` (version), `seen`/`idle`/`abs` (lastSeenAt, idleExpiresAt,
 *   absoluteExpiresAt), `uid` (absent for anonymous sessions) and `isc` (the score its
 *   user-index entry was last written with). The hash tag `{<id>}` keeps every key of a
 *   session in one Cluster slot.
 * - `p u:{<userId>}` — one sorted set per user: member = session id, score = an upper
 *   bound of that session's expiry. It is the user index behind `listByUser` and
 *   `deleteByUser`.
 *
 * `touch` changes `seen` and `idle` in place and leaves `rec` alone; reads merge them
 * back. Rewriting the JSON in Lua (cjson) was rejected: cjson re-encodes numbers with 14
 * significant digits (`Number.MAX_SAFE_INTEGER` would come back rounded), cannot tell
 * `[]` from `{}`, and re-escapes strings, so application data would not round-trip.
 *
 * **Expiry.** Every write sets a native TTL on the session hash of
 * `min(idleExpiresAt, absoluteExpiresAt) − now`, so Redis drops dead sessions by itself
 * and `deleteExpired` has nothing to delete (it answers 0). The TTL is the time left by
 * the store's clock (`PEXPIRE`), not the instant (`PEXPIREAT`): the store's clock is the
 * one that decides liveness, so a Redis clock running ahead of the app servers cannot
 * end sessions early, and tests can drive time with a manual clock. Because a TTL only
 * ends a key after the deadline, every read and conditional write also compares the
 * deadline with the store's clock (passed into the Lua scripts as an argument, never
 * Redis `TIME`): an expired record is invisible from the exact millisecond it expires.
 *
 * **Atomicity.** `create` (insert-if-absent), `update` (compare-and-set on `ver`),
 * `touch` and the ownership check of `deleteByUser` are each one Lua script on one key,
 * so each is atomic on a standalone server and on whichever Cluster node owns the slot.
 * A `touch` given an `expectedVersion` compares it with `ver` inside its script.
 *
 * **The user index on a Cluster.** A session and its user's index live in different
 * slots, usually on different nodes, so no command or script ever touches both: the
 * index is maintained by separate commands around the session write. This is safe
 * because the index is a hint and the session hash is the truth:
 * - `listByUser` reads every indexed session and keeps only those that exist, are live
 *   by the store's clock and belong to that user; `deleteByUser` deletes a session only
 *   through a script that checks, on the session's own key, that it belongs to the user.
 *   A stale index entry therefore never shows or deletes the wrong session.
 * - The one thing that must never happen is a live session *missing* from its user's
 *   index (then "log out everywhere" would miss it). Writers therefore index a session
 *   *before* writing it, with a score at least its new expiry, and scores only grow
 *   (each write raises the score by at least 1). Entries are removed only when that is
 *   provably harmless: when their score has passed (the session is dead by then); after
 *   `delete`/`deleteByUser` removed the session itself; and after an `update` moved the
 *   session to another user, but only if the entry's score is still the one recorded in
 *   the session (`isc`) — anyone indexing it again since, e.g. a concurrent request
 *   moving it back, has raised the score and so keeps the entry.
 * - Entries of sessions that are missing or belong to someone else are *not* removed by
 *   `listByUser`: such an entry may belong to a write in flight (indexed, not yet
 *   written), and removing it would lose that session from the index. They cost one
 *   read per listing until their score passes, when the next write to that index,
 *   listing, or `deleteExpired` prunes them.
 *
 * **Reads.** `get` is one HMGET. On a standalone or Sentinel client, the reads issued
 * in one event-loop turn (the requests Node parsed in one poll phase) are written to
 * Redis together at the end of that turn, in one system call, instead of one each.
 * `getShared`, the manager's read, keeps the records it parsed and hands one out again,
 * frozen, while the hash holds the same JSON text and times. With `clientSideCache`
 * (off by default) a session read again is answered from memory, by `getNow` and
 * `getShared`, until Redis's tracking says another process wrote it (see the option).
 *
 * **Operational notes.** `deleteExpired` walks the user indexes with SCAN (never KEYS,
 * which blocks the server for the whole keyspace) in pages of 250 and prunes dead
 * members from each; run it now and then (e.g. hourly) to bound indexes of users who
 * never log in again — the index keys also carry a TTL, so even without it they vanish
 * once their last session is dead. Use a client whose reads go to masters (the ioredis
 * default, `scaleReads: 'master'`): replica reads may miss the latest writes. Configure
 * the client to fail fast when Redis is unreachable (`enableOfflineQueue: false`, a low
 * `maxRetriesPerRequest`): the session manager times out a hanging call, but queued
 * commands still run when the connection returns. Persistence (RDB/AOF) decides
 * whether sessions survive a Redis restart; without it, every user is logged out.
 *
 * Guarantees: everything the `SessionStore` contract states, on standalone Redis and on
 * Redis Cluster, with any number of app instances sharing the server.
 *
 * @throws {ConfigError} `CONFIG_INVALID` when `client` is not an ioredis client, `prefix`
 * is not a string or contains `{` or `}`, `clock` is not a function, or
 * `clientSideCache` is malformed, out of range, on a Cluster client or on a client
 * another caching store uses.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 *
 * const client = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
 * const store = new RedisStore({ client })
 * const manager = new SessionManager({ store, secret: process.env.TESSERA_SECRET! })
 * setInterval(() => void store.deleteExpired(), 60 * 60_000).unref()
 * process.on('SIGTERM', () => void client.quit()) // the app owns the client
 * ```
 */
export class RedisStore implements SessionStore {
  readonly #client: RedisClient
  readonly #prefix: string
  readonly #clock: Clock
  readonly #scripts: Scripts
  // The sessions getShared parsed last (4,096 at most): the ones in use now.
  readonly #parsed = new ParsedRecordCache()
  // With `clientSideCache`: the rows getShared answers without a round trip.
  readonly #tracked: TrackedRows | null

  constructor(options: RedisStoreOptions) {
    const client = options?.client as RedisClient | undefined
    if (
      !client ||
      typeof client.defineCommand !== 'function' ||
      typeof client.hmget !== 'function'
    ) {
      throw new ConfigError('RedisStore: "client" must be an ioredis Redis or Cluster client')
    }
    const prefix = options.prefix ?? 'tessera:'
    if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
      throw new ConfigError('RedisStore: "prefix" must be a string without "{" or "}"')
    }
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new ConfigError('RedisStore: "clock" must be a function returning milliseconds')
    }
    this.#client = client
    this.#prefix = prefix
    this.#clock = options.clock ?? Date.now
    this.#tracked = openClientSideCache(options.clientSideCache, client, prefix)
    // Without the cache every read waits on Redis: no getNow, so the manager does not
    // hold this store's loads for the end of the turn (see getNow). Shadowed on the
    // instance, so that the method stays on the prototype beside `get`, where the
    // manager looks for it (a subclass that overrides `get` alone is read through it).
    if (this.#tracked === null && this.getNow === RedisStore.prototype.getNow) {
      ;(this as { getNow?: unknown }).getNow = undefined
    }
    this.#scripts = {
      create: defineScript(client, 'SessionCreate', CREATE),
      update: defineScript(client, 'SessionUpdate', UPDATE),
      touch: defineScript(client, 'SessionTouch', TOUCH),
      delete: defineScript(client, 'SessionDelete', DELETE),
      deleteIfOwner: defineScript(client, 'SessionDeleteIfOwner', DELETE_IF_OWNER),
      indexAdd: defineScript(client, 'IndexAdd', INDEX_ADD),
      indexRemoveIfScore: defineScript(client, 'IndexRemoveIfScore', INDEX_REMOVE_IF_SCORE),
      indexList: defineScript(client, 'IndexList', INDEX_LIST),
    }
  }

  /**
   * Whether `clientSideCache` answers reads now: `'off'` when it is not configured,
   * `'waiting'` while a connection is down or tracking is being set up, `'refused'`
   * when Redis refused to set it up (older than 6, or an ACL that forbids `CLIENT
   * TRACKING` or `SUBSCRIBE __redis__:invalidate`; Redis's reply is in
   * {@link clientSideCacheRefusal}), `'live'` once Redis tracks the session keys for this
   * store. Every read goes to Redis unless it is `'live'`. Check it after startup:
   * Redis answers after the constructor has returned.
   */
  get clientSideCacheStatus(): 'off' | 'waiting' | 'refused' | 'live' {
    const tracked = this.#tracked
    if (tracked === null) return 'off'
    if (tracked.live) return 'live'
    return tracked.refusal === undefined ? 'waiting' : 'refused'
  }

  /** Redis's error reply when `clientSideCacheStatus` is `'refused'`, else `null`. */
  get clientSideCacheRefusal(): string | null {
    return this.#tracked?.refusal ?? null
  }

  async get(id: string): Promise<SessionRecord | null> {
    const now = this.#clock()
    return decode(await this.#read(id), now)
  }

  /**
   * {@link get} without waiting, only with `clientSideCache`: the kept session (frozen
   * and shared, as {@link getShared}'s), or `null` when it has expired; `undefined` when
   * nothing is kept for `id` (or the cache is not live), and the manager then reads
   * through {@link getShared}. A store without `clientSideCache` has no `getNow` (it is
   * `undefined` on the instance): every read waits on Redis, so the manager does not
   * hold its loads for the end of the turn (`batchLoads`), and each read leaves in the
   * turn that asked for it, corked with the rest of that turn's commands.
   */
  getNow?(id: string): SessionRecord | null | undefined {
    const tracked = this.#tracked
    if (tracked === null) return undefined
    const now = this.#clock()
    const row = tracked.get(id, now)
    return row === undefined ? undefined : this.#shared(id, row, now)
  }

  /**
   * {@link get}, for reading only: the manager loads sessions through it. The record is
   * frozen and is the same object as long as the session's hash holds the same JSON
   * text and times (a session rewritten or touched by anyone is parsed or copied anew),
   * so a session read again, unchanged, costs no `JSON.parse`.
   */
  async getShared(id: string): Promise<SessionRecord | null> {
    const now = this.#clock()
    const tracked = this.#tracked
    const row =
      tracked === null
        ? await this.#read(id)
        : (tracked.get(id, now) ?? (await tracked.read(id, now, () => this.#read(id))))
    return this.#shared(id, row, now)
  }

  /** The frozen record of `row`, parsed once per JSON text and times, if live at `now`. */
  #shared(id: string, [rec, seen, idle, abs]: Row, now: number): SessionRecord | null {
    const idleAt = liveUntil(idle, abs, now)
    if (rec === null || idleAt === undefined) return null
    return this.#parsed.read(id, rec, decimalTime(seen), idleAt)
  }

  async create(record: SessionRecord): Promise<boolean> {
    const now = this.#clock()
    const score = await this.#index(record.userId, record.id, expiresAt(record), now)
    const created = await this.#writing(record.id, () =>
      this.#scripts.create(this.#sessionKey(record.id), String(now), ...encode(record, score)),
    )
    // A lost race leaves the index entry in place: the winner may be this same user's.
    return created === 1
  }

  async update(record: SessionRecord, expectedVersion: number): Promise<UpdateResult> {
    const now = this.#clock()
    const score = await this.#index(record.userId, record.id, expiresAt(record), now)
    const [result, previousUser, previousScore] = (await this.#writing(record.id, () =>
      this.#scripts.update(
        this.#sessionKey(record.id),
        String(now),
        String(expectedVersion),
        ...encode(record, score),
      ),
    )) as [UpdateResult, string | null, string | null]
    if (
      result === 'ok' &&
      previousUser !== null &&
      previousUser !== record.userId &&
      previousScore !== null
    ) {
      // Conditional on the recorded score, so an entry re-indexed since (the session
      // moving back to that user) stays; see the class comment.
      await this.#cleanup(
        this.#scripts.indexRemoveIfScore(this.#userKey(previousUser), record.id, previousScore),
      )
    }
    return result
  }

  async touch(
    id: string,
    lastSeenAt: number,
    idleExpiresAt: number,
    expectedVersion?: number,
  ): Promise<boolean> {
    const now = this.#clock()
    const key = this.#sessionKey(id)
    // Checked by the script on the session's own key, before the owner: a moved version
    // answers 'conflict' (false) without indexing anyone.
    const version = expectedVersion === undefined ? '' : String(expectedVersion)
    // First try as anonymous (one round trip); a session with a user answers 'moved'
    // with its owner, whose index entry must cover the new expiry before it is written.
    let owner = ''
    let score = ''
    for (let round = 0; round < TOUCH_ROUNDS; round++) {
      const [result, user] = (await this.#writing(id, () =>
        this.#scripts.touch(
          key,
          String(now),
          String(lastSeenAt),
          String(idleExpiresAt),
          owner,
          score,
          version,
        ),
      )) as ['ok' | 'missing' | 'conflict' | 'moved', string | null | undefined]
      if (result !== 'moved') return result === 'ok'
      const userId = user ?? null
      owner = userId === null ? '' : `=${userId}`
      score = (await this.#index(userId, id, idleExpiresAt, now)) ?? ''
    }
    throw new StoreError('STORE_CONFLICT', 'touch')
  }

  async delete(id: string): Promise<void> {
    this.#parsed.forget(id)
    const userId = (await this.#writing(id, () => this.#scripts.delete(this.#sessionKey(id)))) as
      | string
      | null
    if (userId !== null) await this.#cleanup(this.#client.zrem(this.#userKey(userId), id))
  }

  async listByUser(userId: string): Promise<SessionRecord[]> {
    const now = this.#clock()
    const ids = await this.#indexed(userId, now)
    const rows = await inBatches(ids, (id) => this.#read(id))
    const out: SessionRecord[] = []
    for (const row of rows) {
      const record = decode(row, now)
      if (record?.userId === userId) out.push(record)
    }
    return out
  }

  async deleteByUser(userId: string, exceptId?: string): Promise<number> {
    const now = this.#clock()
    const ids = (await this.#indexed(userId, now)).filter((id) => id !== exceptId)
    const results = await inBatches(ids, (id) =>
      this.#writing(id, () =>
        this.#scripts.deleteIfOwner(this.#sessionKey(id), userId, String(now)),
      ),
    )
    const gone = ids.filter((_, i) => results[i] !== -1)
    if (gone.length > 0) await this.#cleanup(this.#client.zrem(this.#userKey(userId), ...gone))
    return results.filter((r) => r === 1).length
  }

  /**
   * Always answers 0: Redis expires sessions by itself (TTLs). It prunes the user
   * indexes instead ({@link pruneUserIndexes}). Safe to run from several instances at once.
   */
  async deleteExpired(): Promise<number> {
    await this.pruneUserIndexes()
    return 0
  }

  /**
   * Removes user-index members whose sessions are dead by the store's clock, SCAN page
   * by SCAN page (never KEYS), on a standalone server or every Cluster master, so one
   * call never blocks Redis for long. This is what `deleteExpired` (and
   * `tessera clearsessions`) does on Redis: the sessions themselves expire natively, and
   * what they leave behind is their entries in the indexes of users who still have a
   * live session (an index with none left expires with its last member).
   *
   * Returns how many indexes it walked and how many members it removed; `onProgress`
   * gets the running totals after every SCAN page. Safe to run from several instances
   * at once (removing a dead member is idempotent).
   *
   * @example
   * ```ts
   * const { indexes, removed } = await store.pruneUserIndexes()
   * console.log(`${removed} stale entries removed from ${indexes} user indexes`)
   * ```
   */
  async pruneUserIndexes(
    options: { onProgress?: (progress: IndexPruneResult) => void } = {},
  ): Promise<IndexPruneResult> {
    const now = String(this.#clock())
    const total: IndexPruneResult = { indexes: 0, removed: 0 }
    for await (const keys of scanKeys(this.#client, `${this.#prefix}u:`, 'zset')) {
      const removed = await inBatches(keys, (key) =>
        this.#client.zremrangebyscore(key, '-inf', now),
      )
      total.indexes += keys.length
      total.removed += removed.reduce((sum, n) => sum + n, 0)
      options.onProgress?.({ ...total })
    }
    return total
  }

  /**
   * Every live session, `batchSize` (default 500) at a time: SCAN (never KEYS) over the
   * session hashes of every master, then one HMGET per session. Redis SCAN may return a
   * key twice while the keyspace is being resized, so a session may appear twice.
   */
  async *scan(options: ScanOptions = {}): AsyncGenerator<SessionRecord[]> {
    const size = scanBatchSize(options)
    const pending: string[] = []
    const head = `${this.#prefix}s:{`
    for await (const keys of scanKeys(this.#client, `${this.#prefix}s:`, 'hash', size)) {
      for (const key of keys) {
        if (key.startsWith(head) && key.endsWith('}')) pending.push(key.slice(head.length, -1))
      }
      while (pending.length >= size) {
        const page = await this.#readLive(pending.splice(0, size))
        if (page.length > 0) yield page
      }
    }
    const page = await this.#readLive(pending)
    if (page.length > 0) yield page
  }

  /**
   * Leaves the client alone: it belongs to the application, which may share it, so the
   * application quits it (`await client.quit()`) when it shuts down. With
   * `clientSideCache`, switches tracking off on the client and closes the store's own
   * invalidation connection, which would otherwise keep the process alive.
   */
  async close(): Promise<void> {
    this.#parsed.clear()
    await this.#tracked?.close()
  }

  #sessionKey(id: string): string {
    return `${this.#prefix}s:{${id}}`
  }

  #userKey(userId: string): string {
    return `${this.#prefix}u:{${userId}}`
  }

  async #readLive(ids: string[]): Promise<SessionRecord[]> {
    const now = this.#clock()
    const out: SessionRecord[] = []
    for (const row of await inBatches(ids, (id) => this.#read(id))) {
      const record = decode(row, now)
      if (record) out.push(record)
    }
    return out
  }

  /**
   * A write of session `id`. With the client-side cache its row is dropped before the
   * write is sent and again once it is answered, so that no read of this process
   * answers from a row older than the write, whenever Redis's invalidation arrives.
   */
  async #writing<T>(id: string, write: () => Promise<T>): Promise<T> {
    const tracked = this.#tracked
    if (tracked === null) return write()
    tracked.forget(id)
    try {
      return await write()
    } finally {
      tracked.forget(id)
    }
  }

  #read(id: string): Promise<Row> {
    // The reads of one event-loop turn (every request parsed in it) leave in one write.
    corkUntilTurnEnds(this.#client)
    return this.#client.hmget(this.#sessionKey(id), 'rec', 'seen', 'idle', 'abs') as Promise<Row>
  }

  /** Indexes `id` under `userId` ahead of a write; the score to record, or null. */
  async #index(
    userId: string | null,
    id: string,
    expires: number,
    now: number,
  ): Promise<string | null> {
    if (userId === null) return null
    const key = this.#userKey(userId)
    return (await this.#scripts.indexAdd(key, id, String(expires), String(now))) as string | null
  }

  async #indexed(userId: string, now: number): Promise<string[]> {
    return (await this.#scripts.indexList(this.#userKey(userId), String(now))) as string[]
  }

  /**
   * Index clean-up after the session itself was written: its failure leaves a stale
   * entry, which every reader tolerates, so it must not fail the operation that already
   * succeeded.
   */
  async #cleanup(pending: Promise<unknown>): Promise<void> {
    await pending.catch(() => undefined)
  }
}

/** What {@link RedisStore.pruneUserIndexes} walked and removed. */
export interface IndexPruneResult {
  /** User indexes (sorted sets) visited. */
  indexes: number
  /** Members removed because their sessions were dead. */
  removed: number
}

/** The record of an HMGET row when it is live at `now`. */
function decode([rec, seen, idle, abs]: Row, now: number): SessionRecord | null {
  const idleAt = liveUntil(idle, abs, now)
  if (rec === null || idleAt === undefined) return null
  const record = JSON.parse(rec) as SessionRecord
  // touch moves these two beside the JSON; String ↔ Number round-trips every double.
  record.lastSeenAt = decimalTime(seen)
  record.idleExpiresAt = idleAt
  return record
}

/**
 * The idle expiry of a session whose hash holds these `idle` and `abs` fields, when it is
 * live at `now`; `undefined` when it is not.
 */
function liveUntil(idle: string | null, abs: string | null, now: number): number | undefined {
  const idleAt = decimalTime(idle)
  return now < Math.min(idleAt, decimalTime(abs)) ? idleAt : undefined
}

/** The ARGV tail of the create and update scripts: rec, ver, seen, idle, abs, uid, isc. */
function encode(record: SessionRecord, score: string | null): string[] {
  return [
    JSON.stringify(record),
    String(record.version),
    String(record.lastSeenAt),
    String(record.idleExpiresAt),
    String(record.absoluteExpiresAt),
    // '=' marks a user id, so an empty-string id stays distinct from "no user".
    record.userId === null ? '' : `=${record.userId}`,
    score ?? '',
  ]
}

/** Runs `call` over `items`, at most {@link PARALLEL} at a time; results in order. */
async function inBatches<T, R>(items: T[], call: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += PARALLEL) {
    out.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(call))))
  }
  return out
}
