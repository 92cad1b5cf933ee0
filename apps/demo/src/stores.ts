import { join } from 'node:path'
import { type RateLimitStore, type SessionStore, TieredStore } from '@tessera/core'
import { PostgresRateLimitStore, PostgresStore } from '@tessera/store-postgres'
import { RedisRateLimitStore, RedisStore } from '@tessera/store-redis'
import { SqliteRateLimitStore, SqliteStore } from '@tessera/store-sqlite'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { DemoConfig } from './config.js'

/** The stores the demo runs on, chosen from its configuration. */
export interface DemoStores {
  /** Where sessions live. */
  store: SessionStore
  /** Where the login-throttle counters live. */
  rateLimits: RateLimitStore
  /**
   * Deletes the counters whose window ended by `now` (SQLite and PostgreSQL keep them
   * otherwise: one per username ever tried); Redis expires them by itself.
   */
  deleteEndedCounters(now: number): Promise<number>
  /** One line for the startup log, without credentials. */
  describe: string
  /** The PostgreSQL pool when `DATABASE_URL` is set: the users table shares it. */
  postgres?: pg.Pool
  /** The Redis client when `REDIS_URL` is set. */
  redis?: Redis
  /** Whether sessions and throttle counters are in SQLite under `DATA_DIR`. */
  sqlite?: true
  /** Closes the stores and the connections they were given. */
  close(): Promise<void>
}

/**
 * Picks the session store from the environment:
 *
 * - `REDIS_URL` → `RedisStore` (and `RedisRateLimitStore`), with its `clientSideCache`
 *   when `REDIS_CLIENT_SIDE_CACHE` is on (here and in front of PostgreSQL);
 * - `DATABASE_URL` → `PostgresStore` (and `PostgresRateLimitStore`);
 * - both → `TieredStore` with Redis as the cache in front of PostgreSQL, and the
 *   PostgreSQL throttle counters;
 * - neither → SQLite in `DATA_DIR/sessions.sqlite3`.
 *
 * The clients are built for a web app: they fail fast while their server is down (the
 * session manager answers 503) and reconnect by themselves when it is back, and a
 * broken connection is logged, never fatal.
 */
export function openStores(config: DemoConfig): DemoStores {
  const redis = config.redisUrl === undefined ? undefined : openRedis(config.redisUrl)
  const pool = config.databaseUrl === undefined ? undefined : openPool(config.databaseUrl, config)
  const closeAll = async (): Promise<void> => {
    await Promise.all([
      redis?.quit().catch(() => redis.disconnect()),
      pool?.end().catch(() => undefined),
    ])
  }

  if (redis) {
    const onRedis = new RedisStore({
      client: redis,
      prefix: config.redisPrefix,
      clientSideCache: config.redisClientSideCache,
    })
    const where = `${redactUrl(config.redisUrl as string)} (prefix ${config.redisPrefix}${config.redisClientSideCache ? ', client-side cache' : ''})`
    // The cache's own connection first: it keeps the process alive until closed.
    const close = async (): Promise<void> => {
      await onRedis.close()
      await closeAll()
    }
    if (config.redisClientSideCache) reportCacheStatus(onRedis)
    if (pool) {
      const primary = new PostgresStore({ pool, table: config.sessionTable })
      return {
        store: new TieredStore({ cache: onRedis, primary }),
        ...counters(new PostgresRateLimitStore({ pool, table: config.rateLimitTable })),
        describe: `PostgreSQL at ${redactUrl(config.databaseUrl as string)} (table ${config.sessionTable}) with a Redis cache at ${where}`,
        postgres: pool,
        redis,
        close,
      }
    }
    return {
      store: onRedis,
      rateLimits: new RedisRateLimitStore({ client: redis, prefix: config.redisPrefix }),
      deleteEndedCounters: async () => 0,
      describe: `Redis at ${where}`,
      redis,
      close,
    }
  }
  if (pool) {
    return {
      store: new PostgresStore({ pool, table: config.sessionTable }),
      ...counters(new PostgresRateLimitStore({ pool, table: config.rateLimitTable })),
      describe: `PostgreSQL at ${redactUrl(config.databaseUrl as string)} (table ${config.sessionTable})`,
      postgres: pool,
      close: closeAll,
    }
  }
  const path = join(config.dataDir, 'sessions.sqlite3')
  const store = new SqliteStore({ path })
  const rateLimits = new SqliteRateLimitStore({ path })
  return {
    store,
    ...counters(rateLimits),
    describe: `SQLite at ${path}`,
    sqlite: true,
    close: async () => {
      await Promise.all([store.close(), rateLimits.close()])
    },
  }
}

/** `rateLimits` and its sweep, for the counter stores that keep ended windows. */
function counters(
  rateLimits: SqliteRateLimitStore | PostgresRateLimitStore,
): Pick<DemoStores, 'rateLimits' | 'deleteEndedCounters'> {
  return { rateLimits, deleteEndedCounters: (now) => rateLimits.deleteExpired(now) }
}

/**
 * Logs once whether Redis took the client-side cache (`live`) or refused it (with
 * Redis's reply): Redis answers after startup, so the status is polled for up to 10 s,
 * on a timer that never keeps the process alive.
 */
function reportCacheStatus(store: RedisStore): void {
  const started = Date.now()
  const poll = (): void => {
    const status = store.clientSideCacheStatus
    if (status === 'live') console.log('Redis client-side cache: live')
    else if (status === 'refused') {
      console.error(`Redis client-side cache refused: ${store.clientSideCacheRefusal}`)
    } else if (Date.now() - started < 10_000) setTimeout(poll, 50).unref()
    else console.error('Redis client-side cache: not live after 10 s; every read goes to Redis')
  }
  poll()
}

/**
 * An ioredis client for a web app: commands fail at once while Redis is down
 * (`enableOfflineQueue: false`, one retry) so requests answer 503 instead of queueing,
 * and the client reconnects forever with a capped backoff, so the app recovers by
 * itself when Redis is back. A broken connection is logged once per outage.
 */
function openRedis(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  })
  let down = false
  client.on('error', (error: Error) => {
    if (down) return
    down = true
    console.error(`Redis unavailable (${redactUrl(url)}): ${error.message}`)
  })
  client.on('ready', () => {
    if (down) console.error(`Redis is back (${redactUrl(url)})`)
    down = false
  })
  return client
}

/**
 * A pg pool for a web app: connecting gives up within the store timeout, statements
 * are cut off server-side after twice that, and an idle client's error (the server went
 * away) is logged rather than crashing the process — pg emits it on the pool.
 */
function openPool(url: string, config: DemoConfig): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: Math.min(1000, config.storeTimeoutMs),
    statement_timeout: Math.max(2000, 2 * config.storeTimeoutMs),
  })
  let lastLog = 0
  pool.on('error', (error: Error) => {
    const now = Date.now()
    if (now - lastLog < 10_000) return
    lastLog = now
    console.error(`PostgreSQL connection lost (${redactUrl(url)}): ${error.message}`)
  })
  return pool
}

/** `url` with its password (and any password-like query parameter) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***')
    }
    return parsed.toString()
  } catch {
    return '(unparseable URL)'
  }
}
