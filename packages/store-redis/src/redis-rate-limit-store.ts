import {
  ConfigError,
  type RateLimitCount,
  type RateLimitReservation,
  type RateLimitStore,
} from '@tessera/core'
import type { Cluster, Redis } from 'ioredis'
import { defineScript, type ScriptCall } from './lib/define-script.js'
import { RATE_LIMIT_HIT, RATE_LIMIT_RELEASE, RATE_LIMIT_RESERVE } from './lib/lua.js'
import type { RedisClient } from './lib/redis-client.js'

/** Options of {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** A connected ioredis client (standalone or Cluster); the application owns it. */
  client: Redis | Cluster
  /**
   * Prepended to every counter key, after the client's own `keyPrefix`. Must not
   * contain `{` or `}`.
   * @default 'tessera:'
   */
  prefix?: string
}

/**
 * Login-throttle counters in Redis, shared by every app instance on the same server or
 * Cluster.
 *
 * One hash per counter, `<prefix>rl:<key>`, holding the count (`c`) and the end of its
 * window (`r`). A hit is one Lua script on that key: it counts up while the window
 * lasts and starts a new window once it ended, so concurrent hits from any number of
 * instances each count once. A reservation is one script too (compare with the limit,
 * then count), and so is a release (take one back from the same window only). As every script touches one key, it runs unchanged on a
 * Cluster. Windows are judged by the caller's `now`, never Redis's clock, and the key
 * gets a TTL of the window's length, so Redis drops finished counters by itself.
 *
 * @throws {ConfigError} `CONFIG_INVALID` when `client` is not an ioredis client or
 * `prefix` is not a string or contains `{` or `}`.
 *
 * @example
 * ```ts
 * const throttle = new LoginThrottle({
 *   store: new RedisRateLimitStore({ client: redis }),
 *   keys: manager.keys,
 * })
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: RedisClient
  readonly #prefix: string
  readonly #hit: ScriptCall
  readonly #reserve: ScriptCall
  readonly #release: ScriptCall

  constructor(options: RedisRateLimitStoreOptions) {
    const client = options?.client as RedisClient | undefined
    if (!client || typeof client.defineCommand !== 'function') {
      throw new ConfigError(
        'RedisRateLimitStore: "client" must be an ioredis Redis or Cluster client',
      )
    }
    const prefix = options.prefix ?? 'tessera:'
    if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
      throw new ConfigError('RedisRateLimitStore: "prefix" must be a string without "{" or "}"')
    }
    this.#client = client
    this.#prefix = prefix
    this.#hit = defineScript(client, 'RateLimitHit', RATE_LIMIT_HIT)
    this.#reserve = defineScript(client, 'RateLimitReserve', RATE_LIMIT_RESERVE)
    this.#release = defineScript(client, 'RateLimitRelease', RATE_LIMIT_RELEASE)
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const [count, resetAt] = (await this.#hit(
      this.#key(key),
      String(now),
      String(windowMs),
      String(now + windowMs),
    )) as [number, string]
    return { count, resetAt: Number(resetAt) }
  }

  async reserve(
    key: string,
    max: number,
    windowMs: number,
    now: number,
  ): Promise<RateLimitReservation> {
    const [reserved, count, resetAt] = (await this.#reserve(
      this.#key(key),
      String(now),
      String(windowMs),
      String(now + windowMs),
      String(max),
    )) as [number, number, string]
    return { reserved: reserved === 1, count, resetAt: Number(resetAt) }
  }

  async release(key: string, resetAt: number): Promise<void> {
    await this.#release(this.#key(key), String(resetAt))
  }

  async peek(key: string, now: number): Promise<RateLimitCount | null> {
    const [count, resetAt] = await this.#client.hmget(this.#key(key), 'c', 'r')
    if (count === null || resetAt === null || Number(resetAt) <= now) return null
    return { count: Number(count), resetAt: Number(resetAt) }
  }

  async reset(key: string): Promise<void> {
    await this.#client.del(this.#key(key))
  }

  /** Does nothing: the application owns the client and quits it. */
  async close(): Promise<void> {}

  #key(key: string): string {
    return `${this.#prefix}rl:${key}`
  }
}
