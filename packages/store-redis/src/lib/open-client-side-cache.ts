import { ConfigError } from '@tessera/core'
import type { Redis } from 'ioredis'
import type { ClientSideCacheOptions } from '../client-side-cache-options.js'
import type { RedisClient } from './redis-client.js'
import { TrackedRows } from './tracked-rows.js'

const MAX_AGE_MS = 1000
const MAX_ENTRIES = 10_000

/**
 * The `clientSideCache` option of `RedisStore`, checked, and its {@link TrackedRows}
 * started on `client` for the session keys under `prefix`; `null` when it is off.
 *
 * @throws {ConfigError} `CONFIG_INVALID` when the option is neither a boolean nor an
 * object of whole-number limits in range, the client is a Cluster, or another store
 * caches through the same client.
 *
 * @example
 * ```ts
 * const tracked = openClientSideCache(options.clientSideCache, client, 'tessera:')
 * ```
 */
export function openClientSideCache(
  option: boolean | ClientSideCacheOptions | undefined,
  client: RedisClient,
  prefix: string,
): TrackedRows | null {
  if (option === undefined || option === false) return null
  if (option !== true && (typeof option !== 'object' || option === null)) {
    throw new ConfigError(
      'RedisStore: "clientSideCache" must be true, false or { maxAgeMs, maxEntries }',
    )
  }
  const { maxAgeMs = MAX_AGE_MS, maxEntries = MAX_ENTRIES } = option === true ? {} : option
  if (!Number.isInteger(maxAgeMs) || maxAgeMs < 1 || maxAgeMs > 60_000) {
    throw new ConfigError(
      'RedisStore: "clientSideCache.maxAgeMs" must be a whole number of milliseconds from 1 to 60000',
    )
  }
  if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 1_000_000) {
    throw new ConfigError(
      'RedisStore: "clientSideCache.maxEntries" must be a whole number from 1 to 1000000',
    )
  }
  if (client.isCluster) {
    throw new ConfigError(
      'RedisStore: "clientSideCache" needs a standalone or Sentinel client (new Redis(...)), not a Cluster',
    )
  }
  const redis = client as Redis
  if (TrackedRows.tracks(redis)) {
    throw new ConfigError(
      'RedisStore: another RedisStore with "clientSideCache" uses this client; give each its own client (client.duplicate())',
    )
  }
  // Invalidations carry keys as Redis sees them: with the client's own keyPrefix.
  const keyPrefix = redis.options.keyPrefix ?? ''
  return new TrackedRows(redis, `${keyPrefix}${prefix}s:{`, { maxAgeMs, maxEntries })
}
