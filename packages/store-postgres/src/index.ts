export { type MigrateOptions, migrate, migrateRateLimits } from './migrate.js'
export {
  PostgresRateLimitStore,
  type PostgresRateLimitStoreOptions,
} from './postgres-rate-limit-store.js'
export { PostgresStore, type PostgresStoreOptions } from './postgres-store.js'
export { UnsupportedValueError } from './unsupported-value-error.js'
