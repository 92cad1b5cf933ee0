import type { SessionStore } from '@tessera/core'
import type { RedisStore } from '@tessera/store-redis'
import type pg from 'pg'

/**
 * A session store the command opened from a `--store` URL, with what the commands
 * need beside the contract: which kind it is, a password-free name for messages, the
 * driver handles some commands use directly, and how to let go of the connection.
 *
 * @example
 * ```ts
 * const opened = await openStore(url, { table: 'web_sessions' })
 * try {
 *   for await (const page of opened.store.scan()) console.log(page.length)
 * } finally {
 *   await opened.close()
 * }
 * ```
 */
export interface OpenedStore {
  kind: 'sqlite' | 'redis' | 'postgres'
  /** The store URL without its password, plus the table or prefix. */
  display: string
  store: SessionStore & Required<Pick<SessionStore, 'scan'>>
  /** Set for Redis stores: `clearsessions` prunes the user indexes through it. */
  redis?: RedisStore
  /** Set with `--cache`: the Redis cache in front of the SQLite/PostgreSQL primary. */
  cache?: RedisStore
  /** Set for PostgreSQL stores: `migrate` runs on it. */
  pool?: pg.Pool
  /**
   * Set for SQLite and PostgreSQL stores: the login-throttle counters in `table` of the
   * same database, or `undefined` when there is no such table (nothing is created).
   */
  rateLimits?(table: string): Promise<{ deleteExpired(now: number): Promise<number> } | undefined>
  /** Closes the connection, file or pool. Never throws. */
  close(): Promise<void>
}
