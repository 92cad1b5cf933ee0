export type { CookieAttributes } from './cookie/index.js'
export {
  deleteCookie,
  getCookie,
  MAX_COOKIE_SIZE,
  parseCookieHeader,
  serializeCookie,
} from './cookie/index.js'
export * from './errors.js'
export { applyCommit } from './http/apply-commit.js'
export { isSecureRequest } from './http/is-secure-request.js'
export { storeUnavailableResponse } from './http/store-unavailable-response.js'
export { Keyring, MIN_SECRET_LENGTH } from './keys/keyring.js'
export type { RandomSource } from './lib/random.js'
export { Session } from './session/session.js'
export type {
  SessionEvent,
  SessionEventListener,
  SessionEventType,
} from './session/session-events.js'
export { type CommitResult, SessionManager } from './session/session-manager.js'
export type { SessionCookieOptions, SessionManagerOptions } from './session/session-options.js'
export type { SessionRequest } from './session/session-state.js'
export { MemoryStore } from './store/memory-store.js'
export type { JsonValue, SessionData, SessionMeta, SessionRecord } from './store/session-record.js'
export { expiresAt } from './store/session-record.js'
export type { Clock, SessionStore, UpdateResult } from './store/session-store.js'
