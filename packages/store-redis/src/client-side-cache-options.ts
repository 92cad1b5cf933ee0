/** The limits of `RedisStoreOptions.clientSideCache`. */
export interface ClientSideCacheOptions {
  /**
   * The longest a kept session is answered for after it was read, by the store's
   * clock, in milliseconds (a whole number from 1 to 60,000): the bound on how stale an
   * answer can be when invalidations stop arriving without either connection closing.
   * @default 1000
   */
  maxAgeMs?: number
  /**
   * How many sessions are kept at most (a whole number from 1 to 1,000,000); the one
   * first kept longest ago makes room.
   * @default 10000
   */
  maxEntries?: number
}
