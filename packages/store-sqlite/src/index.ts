export { endTurnReads, TurnReadTransaction } from './lib/turn-read-transaction.js'
export {
  SqliteRateLimitStore,
  type SqliteRateLimitStoreOptions,
} from './sqlite-rate-limit-store.js'
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js'
