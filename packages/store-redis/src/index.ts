export {
  RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis-rate-limit-store.js'
export {
  type ClientSideCacheOptions,
  type IndexPruneResult,
  RedisStore,
  type RedisStoreOptions,
} from './redis-store.js'
