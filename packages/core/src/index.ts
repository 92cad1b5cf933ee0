export { AUTH_TIME_KEY, authenticatedAt } from './auth/auth-time.js'
export { type AuthenticateOptions, authenticate } from './auth/authenticate.js'
export { getSessionUser } from './auth/get-session-user.js'
export { login } from './auth/login.js'
export { logout } from './auth/logout.js'
export type { PasswordHasher } from './auth/password-hasher.js'
export { requestUser } from './auth/request-user.js'
export { safeRedirectPath } from './auth/safe-redirect.js'
export { sessionAuthHash, verifySessionAuthHash } from './auth/session-auth-hash.js'
export { setJwtClaims } from './auth/set-jwt-claims.js'
export type { AuthUser, UserProvider } from './auth/user-provider.js'
export type { CookieAttributes } from './cookie/index.js'
export {
  deleteCookie,
  getCookie,
  MAX_COOKIE_SIZE,
  parseCookieHeader,
  serializeCookie,
} from './cookie/index.js'
export {
  createTessera,
  type Tessera,
  type TesseraAuditTrailOptions,
  type TesseraLoginThrottleOptions,
  type TesseraManagementOptions,
  type TesseraSharedSessionOptions,
} from './create-tessera.js'
export {
  CSRF_SECRET_LENGTH,
  CSRF_SESSION_KEY,
  CSRF_TOKEN_LENGTH,
  type CsrfCookieOptions,
  type CsrfFailure,
  type CsrfFailureCode,
  type CsrfOptions,
  type CsrfRequest,
  checkCsrf,
  createCsrfSecret,
  csrfCookie,
  csrfFailureResponse,
  getCsrfToken,
  maskCsrfSecret,
  pendingCsrfCookie,
  type ResolvedCsrfOptions,
  resolveCsrfOptions,
  rotateCsrfToken,
  takeCsrfCookie,
  unmaskCsrfToken,
} from './csrf/index.js'
export * from './errors.js'
export { type AllowedHosts, resolveAllowedHosts } from './http/allowed-hosts.js'
export { disallowedHostResponse } from './http/disallowed-host-response.js'
export { type ProxyOptions, type ProxyView, proxyView } from './http/proxy-view.js'
export {
  type BodySource,
  type BoundedBody,
  DEFAULT_BODY_LIMIT,
  type NodeReadableBody,
  readBoundedBody,
} from './http/read-bounded-body.js'
export { storeUnavailableResponse } from './http/store-unavailable-response.js'
export * from './introspection/index.js'
export * from './jwt/index.js'
export { Keyring, MIN_SECRET_LENGTH } from './keys/keyring.js'
export { freezeJson } from './lib/freeze-json.js'
export type { RandomSource } from './lib/random.js'
export type { AuditEvent, AuditEventType } from './management/audit-event.js'
export type { AuditSink } from './management/audit-sink.js'
export { type AuditInput, AuditTrail, type AuditTrailOptions } from './management/audit-trail.js'
export type { EvictionPolicy } from './management/lib/pick-evictions.js'
export type { ListedSession } from './management/listed-session.js'
export { type DeviceInfo, parseUserAgent } from './management/parse-user-agent.js'
export { publicSessionId } from './management/public-session-id.js'
export {
  type PasswordChangeResult,
  SessionManagement,
  type SessionManagementOptions,
} from './management/session-management.js'
export { Session } from './session/session.js'
export type {
  SessionEvent,
  SessionEventListener,
  SessionEventType,
  TransferRejection,
} from './session/session-events.js'
export { type CommitResult, SessionManager } from './session/session-manager.js'
export type { SessionCookieOptions, SessionManagerOptions } from './session/session-options.js'
export type { SessionRequest } from './session/session-state.js'
export * from './shared/index.js'
export { MemoryStore } from './store/memory-store.js'
export { ParsedRecordCache } from './store/parsed-record-cache.js'
export { DEFAULT_SCAN_BATCH_SIZE, scanBatchSize } from './store/scan-batch-size.js'
export type { JsonValue, SessionData, SessionMeta, SessionRecord } from './store/session-record.js'
export { expiresAt } from './store/session-record.js'
export type {
  Clock,
  DeleteExpiredOptions,
  ScanOptions,
  SessionStore,
  UpdateResult,
} from './store/session-store.js'
export {
  StoreOutageLog,
  type StoreOutageLogOptions,
} from './store/store-outage-log.js'
export { TieredStore, type TieredStoreOptions } from './store/tiered-store.js'
export {
  LoginThrottle,
  type LoginThrottleOptions,
  type ThrottleDecision,
  type ThrottleLimit,
  type ThrottleReservation,
} from './throttle/login-throttle.js'
export { MemoryRateLimitStore } from './throttle/memory-rate-limit-store.js'
export type {
  RateLimitCount,
  RateLimitReservation,
  RateLimitStore,
} from './throttle/rate-limit-store.js'
export { withSessionToken } from './token/session-token-attribute.js'
