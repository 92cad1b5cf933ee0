export {
  RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis-rate-limit-store.js'
export { RedisStore, type RedisStoreOptions } from './redis-store.js'
