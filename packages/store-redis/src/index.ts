export type { ClientSideCacheOptions } from './client-side-cache-options.js'
export {
  RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis-rate-limit-store.js'
export {
  type IndexPruneResult,
  RedisStore,
  type RedisStoreOptions,
} from './redis-store.js'
