import { ConfigError } from '../errors.js'
import { companionRead } from './companion-read.js'
import type { SessionRecord } from './session-record.js'
import {
  type DeleteExpiredOptions,
  SESSION_STORE_METHODS,
  type SessionStore,
  type UpdateResult,
} from './session-store.js'

/** Options of {@link TieredStore}. */
export interface TieredStoreOptions<P extends SessionStore = SessionStore> {
  /**
   * The fast store that holds copies of records (e.g. a `RedisStore`). Every app instance
   * must share it: a revocation deletes the copy here, so every instance sees it at once.
   */
  cache: SessionStore
  /**
   * The durable store that is the truth (e.g. a `PostgresStore`): versions,
   * compare-and-set, the user index and `listByUser` all come from it.
   */
  primary: P
}

/** The optional {@link SessionStore} methods a {@link TieredStore} takes from its primary. */
type PrimaryOnly = 'scan' | 'countExpired'
type PrimaryMethods = Required<Pick<SessionStore, PrimaryOnly>>

/**
 * A {@link TieredStore} over a primary of type `P`: every `SessionStore` method, and `scan`
 * and `countExpired` exactly when `P` has them (optional when `P` is `SessionStore`).
 */
export type TieredStore<P extends SessionStore = SessionStore> = Omit<Tiered, PrimaryOnly> &
  Pick<P, PrimaryOnly & keyof P>

/** The implementation of {@link TieredStore}, typed for any primary. */
class Tiered implements SessionStore {
  declare readonly scan?: PrimaryMethods['scan']
  declare readonly countExpired?: PrimaryMethods['countExpired']
  readonly #cache: SessionStore
  readonly #primary: SessionStore
  // The cache's own getNow and getShared, when they read what its get reads.
  readonly #cacheNow: ((id: string) => SessionRecord | null | undefined) | undefined
  readonly #cacheShared: ((id: string) => Promise<SessionRecord | null> | undefined) | undefined

  constructor(options: TieredStoreOptions) {
    const { cache, primary } = (options ?? {}) as Partial<TieredStoreOptions>
    for (const [name, store] of [
      ['cache', cache],
      ['primary', primary],
    ] as const) {
      if (!isStore(store)) {
        throw new ConfigError(
          `TieredStore: "${name}" must be a session store (with ${SESSION_STORE_METHODS.join(', ')})`,
        )
      }
    }
    if (cache === primary) {
      throw new ConfigError('TieredStore: "cache" and "primary" must be different stores')
    }
    this.#cache = cache as SessionStore
    this.#primary = primary as SessionStore
    this.#cacheNow = companionRead(this.#cache, 'getNow')
    // Over a cache that cannot answer without waiting, no getNow (see there): shadowed
    // on the instance, the method staying on the prototype beside `get`.
    if (this.#cacheNow === undefined && this.getNow === Tiered.prototype.getNow) {
      ;(this as { getNow?: unknown }).getNow = undefined
    }
    this.#cacheShared = companionRead(this.#cache, 'getShared')
    const own = this as { -readonly [K in PrimaryOnly]?: PrimaryMethods[K] }
    // Looked up on the primary at each call, like every other method.
    const truth = this.#primary as PrimaryMethods
    if (typeof this.#primary.scan === 'function') own.scan = (options) => truth.scan(options)
    if (typeof this.#primary.countExpired === 'function') {
      own.countExpired = () => truth.countExpired()
    }
  }

  async get(id: string): Promise<SessionRecord | null> {
    return (await this.#cache.get(id)) ?? this.#fromPrimary(id)
  }

  /**
   * The cache's copy, when the cache can answer without waiting (its `getNow`: a
   * `MemoryStore`, a `RedisStore` with `clientSideCache` that keeps the session);
   * `undefined` otherwise, a miss included: only the primary can say a session is gone.
   * Over a cache without `getNow` the tiered store has none either (it is `undefined`
   * on the instance): every read waits, and the manager then does not hold its loads
   * for the end of the turn (`batchLoads`).
   */
  getNow?(id: string): SessionRecord | null | undefined {
    return this.#cacheNow?.(id) ?? undefined
  }

  /** `get`, with the cache read through its `getShared` (a record it may share, frozen). */
  async getShared(id: string): Promise<SessionRecord | null> {
    const cached = await (this.#cacheShared?.(id) ?? this.#cache.get(id))
    return cached ?? this.#fromPrimary(id)
  }

  /** A cache miss: the primary's record, copied into the cache and checked again. */
  async #fromPrimary(id: string): Promise<SessionRecord | null> {
    const record = await this.#primary.get(id)
    if (!record) return null
    try {
      // `false` means a copy is already there, put by someone who checks it as below.
      await this.#cache.create(record)
    } catch (error) {
      await this.#invalidate(id, error)
    }
    // Verify after populating: a revocation or update that ran between our primary read
    // and our cache write would otherwise stay hidden behind the copy we just wrote.
    const again = await this.#primary.get(id)
    if (!again || again.version !== record.version) await this.#invalidate(id)
    return again
  }

  async create(record: SessionRecord): Promise<boolean> {
    if (!(await this.#primary.create(record))) return false
    let copied: boolean
    try {
      copied = await this.#cache.create(record)
    } catch (error) {
      await this.#invalidate(record.id, error)
      return true
    }
    // The cache holds another copy under this id: an old record the primary already
    // counts as gone, or this one put there by a concurrent read. Drop it either way.
    if (!copied) await this.#invalidate(record.id)
    else await this.#verify(record)
    return true
  }

  async update(record: SessionRecord, expectedVersion: number): Promise<UpdateResult> {
    const result = await this.#primary.update(record, expectedVersion)
    if (result !== 'ok') {
      await this.#invalidate(record.id)
      return result
    }
    let cached: UpdateResult
    try {
      cached = await this.#cache.update(record, expectedVersion)
    } catch (error) {
      await this.#invalidate(record.id, error)
      return 'ok'
    }
    if (cached !== 'ok') await this.#invalidate(record.id)
    else await this.#verify(record)
    return 'ok'
  }

  async touch(
    id: string,
    lastSeenAt: number,
    idleExpiresAt: number,
    expectedVersion?: number,
  ): Promise<boolean> {
    if (!(await this.#primary.touch(id, lastSeenAt, idleExpiresAt, expectedVersion))) {
      await this.#invalidate(id)
      return false
    }
    try {
      // With the version too: a write that moved both stores since the primary touch
      // keeps its own idle deadline in the copy (a refused cache touch is fine).
      await this.#cache.touch(id, lastSeenAt, idleExpiresAt, expectedVersion)
    } catch (error) {
      await this.#invalidate(id, error)
    }
    return true
  }

  async delete(id: string): Promise<void> {
    await this.#cache.delete(id)
    await this.#primary.delete(id)
    await this.#cache.delete(id)
  }

  listByUser(userId: string): Promise<SessionRecord[]> {
    return this.#primary.listByUser(userId)
  }

  async deleteByUser(userId: string, exceptId?: string): Promise<number> {
    const ids = (await this.#primary.listByUser(userId))
      .map((record) => record.id)
      .filter((id) => id !== exceptId)
    await this.#cache.deleteByUser(userId, exceptId)
    const deleted = await this.#primary.deleteByUser(userId, exceptId)
    await Promise.all(ids.map((id) => this.#cache.delete(id)))
    await this.#cache.deleteByUser(userId, exceptId)
    return deleted
  }

  async deleteExpired(options: DeleteExpiredOptions = {}): Promise<number> {
    const deleted = await this.#primary.deleteExpired(options)
    await this.#cache.deleteExpired()
    return deleted
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([this.#cache.close?.(), this.#primary.close?.()])
    for (const result of results) if (result.status === 'rejected') throw result.reason
  }

  /**
   * Checks a copy just written through against the primary, as a populating read does:
   * a revocation (`delete`, `deleteByUser`) that ran whole between the primary write and
   * the cache write found no copy to delete, and the copy would then be served from the
   * cache, unlisted, though the primary holds nothing. Drops the copy when the primary no
   * longer holds this version (or cannot say).
   */
  async #verify(record: SessionRecord): Promise<void> {
    let again: SessionRecord | null
    try {
      again = await this.#primary.get(record.id)
    } catch (error) {
      await this.#invalidate(record.id, error)
      return
    }
    if (!again || again.version !== record.version) await this.#invalidate(record.id)
  }

  /**
   * Deletes the cache copy of `id`. When that fails the cache may serve stale data:
   * throws `cause` (the failure that made the copy suspect) or else the delete's error.
   */
  async #invalidate(id: string, cause?: unknown): Promise<void> {
    try {
      await this.#cache.delete(id)
    } catch (error) {
      throw cause ?? error
    }
  }
}

/**
 * A {@link SessionStore} that keeps a fast `cache` store in front of a durable `primary`
 * store, like Django's `cached_db` backend: reads are served from the cache, every write
 * goes to the primary first, then to the cache.
 *
 * The primary is the truth. The cache only ever holds copies of primary records, and
 * every cache write is followed by a check against the primary (a write-through is also
 * a compare-and-set on the version the primary just moved from), so a copy that may be
 * stale is deleted rather than kept (the next read repopulates it from the primary).
 *
 * - `get`: a cache hit is returned as is. On a miss the record is read from the primary,
 *   copied into the cache with `cache.create`, and then **read from the primary again**:
 *   when it is gone or has another version, the copy is deleted and the second read is
 *   returned. Without that second read a revocation that runs between our primary read
 *   and our cache write (it deletes the primary row, then the cache copy, which does not
 *   exist yet) would be undone by our write: the revoked session would be served from
 *   the cache to every instance until the copy expired. With it, the copy lives at most
 *   for the span of two store round trips of the reading request. A miss therefore
 *   costs two primary reads and one cache write; hits cost one cache read.
 * - `getNow`, `getShared` (the manager's reads): the cache's own `getNow` and
 *   `getShared` where it has them, so a `RedisStore` with `clientSideCache` in front of
 *   PostgreSQL answers a session it keeps without a round trip. `getNow` exists only
 *   when the cache has one, and answers only a cache hit; on a miss it answers
 *   `undefined` and the manager reads through `getShared`, which falls back to the
 *   primary as `get` does.
 * - `create`: `primary.create`; when it wins, `cache.create`, then the primary is read
 *   again and the copy deleted unless it still holds this version: a revocation
 *   (`delete`, `deleteByUser`) that ran between the two writes found no copy to delete,
 *   and the copy would otherwise be served, unlisted, though the primary holds nothing.
 *   A `false` from the cache means it holds an old copy under that id, which is deleted.
 * - `update`: `primary.update` first. On `'ok'` the cache copy is moved along with
 *   `cache.update(record, expectedVersion)` and checked against the primary as after
 *   `create`; if the cache answers `'conflict'` or `'missing'` its copy is deleted. On
 *   `'conflict'`/`'missing'` from the primary the cache copy is deleted (it was probably
 *   what made the caller stale) and the primary's answer is returned, so the caller's
 *   re-read comes from the primary.
 * - `touch`: `primary.touch`, then `cache.touch` (a cache without a copy is fine), both
 *   with the caller's `expectedVersion` when given, so neither moves a version the
 *   caller did not load: an update that ran between the two keeps its idle deadline
 *   in the copy too. When the primary has no live record, or another version, the
 *   cache copy is deleted.
 * - `delete` (revocation): `cache.delete`, `primary.delete`, `cache.delete`. The first
 *   cache delete makes an unreachable cache fail the revocation *before* the primary
 *   changes, so a failed revocation never looks done in `listByUser` while a copy is
 *   still served; the last one removes a copy a concurrent read put back meanwhile.
 * - `listByUser`: the primary alone.
 * - `deleteByUser`: lists the ids from the primary, `cache.deleteByUser` (fails early
 *   like `delete`), `primary.deleteByUser`, then `cache.delete` of every listed id and
 *   `cache.deleteByUser` again for copies whose ids the list could not know. Returns the
 *   primary's count.
 * - `deleteExpired`: both stores; returns the primary's count (and reports the
 *   primary's progress).
 * - `scan`, `countExpired`: the primary alone. They are own properties of the instance
 *   only when the primary has them, so the `tessera` command and the conformance suite,
 *   which test for them, see what the primary can do (the type says the same: a
 *   `TieredStore<PostgresStore>` has both, a `TieredStore<RedisStore>` only `scan`).
 * - `close`: closes both stores (both are attempted; the first failure is rethrown), so
 *   do not share one store object between a `TieredStore` and other users that outlive
 *   it. The stores shipped with Tessera never end the app's client or pool anyway.
 *
 * Failures: any error of the primary is thrown before the cache is touched. When a cache
 * write fails after the primary has changed, the store deletes the cache copy instead;
 * if that delete fails too the cache may serve stale data, so the original error is
 * thrown (the manager turns it into `STORE_UNAVAILABLE`, a 503) even though the primary
 * write happened. A failure of `cache.get` is thrown too: the store does not bypass an
 * unhealthy cache, since it could not keep it fresh either.
 *
 * Guarantees: records go in and out by value (both underlying stores copy). Both stores
 * must read the same clock. Residual window: two concurrent `touch` calls may leave the
 * cache copy with the other one's idle deadline; the difference is one request's time.
 *
 * @throws {ConfigError} `CONFIG_INVALID` when `cache` or `primary` is not a session
 * store, or both are the same object.
 *
 * @example
 * ```ts
 * const store = new TieredStore({
 *   cache: new RedisStore({ client: redis }),
 *   primary: new PostgresStore({ pool }),
 * })
 * const manager = new SessionManager({ store, secret: process.env.TESSERA_SECRET! })
 * store.scan // the PostgresStore's: TieredStore<PostgresStore> has scan and countExpired
 * ```
 */
export const TieredStore = Tiered as unknown as {
  new <P extends SessionStore>(options: TieredStoreOptions<P>): TieredStore<P>
  readonly prototype: TieredStore
}

function isStore(value: unknown): value is SessionStore {
  if (typeof value !== 'object' || value === null) return false
  const store = value as Record<string, unknown>
  return SESSION_STORE_METHODS.every((name) => typeof store[name] === 'function')
}
