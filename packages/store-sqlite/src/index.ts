export {
  SqliteRateLimitStore,
  type SqliteRateLimitStoreOptions,
} from './sqlite-rate-limit-store.js'
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js'
