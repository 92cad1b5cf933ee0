import type { AuthUser } from './auth/user-provider.js'
import { AuditTrail, type AuditTrailOptions } from './management/audit-trail.js'
import {
  SessionManagement,
  type SessionManagementOptions,
} from './management/session-management.js'
import { SessionManager } from './session/session-manager.js'
import type { SessionManagerOptions } from './session/session-options.js'
import type { SharedSessionOptions } from './shared/shared-session-options.js'
import { SharedSessions } from './shared/shared-sessions.js'
import { LoginThrottle, type LoginThrottleOptions } from './throttle/login-throttle.js'

/** What the manager gives every feature: its store, keys, clock, timeout, outage log, randomness. */
type FromManager = 'store' | 'keys' | 'clock' | 'random' | 'storeTimeout' | 'storeOutageLog'

/** Options of {@link Tessera.management}: the manager supplies the store, clock, timeout and outage log. */
export type TesseraManagementOptions<U extends AuthUser> = Omit<
  SessionManagementOptions<U>,
  FromManager
>
/** Options of {@link Tessera.loginThrottle}: its own counter store; keys, clock, timeout and outage log come from the manager. */
export type TesseraLoginThrottleOptions = Omit<LoginThrottleOptions, Exclude<FromManager, 'store'>>
/** Options of {@link Tessera.auditTrail}: the manager supplies the keys that salt the hashes. */
export type TesseraAuditTrailOptions = Omit<AuditTrailOptions, FromManager>
/** Options of {@link Tessera.sharedSessions}: the manager supplies the clock and random source. */
export type TesseraSharedSessionOptions = Omit<SharedSessionOptions, FromManager>

/** One application's Tessera: the session manager and the features built from it. */
export interface Tessera {
  /** The session manager; adapters take it. */
  readonly manager: SessionManager
  /** "Your sessions", login with a per-user cap, revocation, freshness, password change. */
  management<U extends AuthUser>(options: TesseraManagementOptions<U>): SessionManagement<U>
  /** Login throttling per account and client, over its own counter store. */
  loginThrottle(options: TesseraLoginThrottleOptions): LoginThrottle
  /** Audit events with identifiers hashed under the manager's keys, so they match its events. */
  auditTrail(options: TesseraAuditTrailOptions): AuditTrail
  /** One session across several sites (django-shared-session). */
  sharedSessions(options: TesseraSharedSessionOptions): SharedSessions
}

/**
 * The composition root: builds the {@link SessionManager} from `options` and, from it,
 * every feature that works on its sessions, so all of them share one store, one set of
 * keys, one clock, one `storeTimeout`, one outage log and one random source — each given
 * once, here. Store outages of management and throttling reach the same
 * `storeOutageLog` as the manager's. The features' own constructors still exist; this
 * is the documented way to make them.
 *
 * In the `jwt` format, give `users` here too (the provider `management()` takes): the
 * manager then re-issues a session JWT only while its user is still accepted, and
 * `introspectionEndpoint({ manager })` answers `{ active: false }` for a disabled user
 * or a password reset outside `changePassword()` (see `SessionManagerOptions.users`).
 *
 * @example
 * ```ts
 * const tessera = createTessera({ store, secret, users, storeTimeout: 500, storeOutageLog: new StoreOutageLog() })
 * const audit = tessera.auditTrail({ sink })
 * const management = tessera.management({ users, hasher, audit, maxSessionsPerUser: 10 })
 * const throttle = tessera.loginThrottle({ store: new MemoryRateLimitStore() })
 * app.use(session(tessera.manager))
 * ```
 */
export function createTessera(options: SessionManagerOptions): Tessera {
  const manager = new SessionManager(options)
  // Validated by the manager above; the features take exactly what it uses.
  const common = {
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.storeTimeout !== undefined && { storeTimeout: options.storeTimeout }),
    ...(options.storeOutageLog !== undefined && { storeOutageLog: options.storeOutageLog }),
  }
  return {
    manager,
    management: (o) => new SessionManagement({ ...o, ...common, store: options.store }),
    loginThrottle: (o) => new LoginThrottle({ ...o, ...common, keys: manager.keys }),
    auditTrail: (o) => new AuditTrail({ ...o, keys: manager.keys }),
    sharedSessions: (o) =>
      new SharedSessions({
        ...o,
        ...(options.clock !== undefined && { clock: options.clock }),
        ...(options.random !== undefined && { random: options.random }),
      }),
  }
}
