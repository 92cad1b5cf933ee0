import type { UserProvider } from '../auth/user-provider.js'
import type { CookieAttributes } from '../cookie/index.js'
import type { ListenerError } from '../errors.js'
import type { JwtSessionOptions } from '../jwt/jwt-session-options.js'
import type { RandomSource } from '../lib/random.js'
import type { Clock, SessionStore } from '../store/session-store.js'
import type { StoreOutageLog } from '../store/store-outage-log.js'

/** Options of the session cookie. */
export interface SessionCookieOptions {
  /**
   * Cookie name. Prefix it with `__Host-` for the strongest binding (requires
   * `secure: true`, no `domain`, path `/`).
   * @default 'sessionid'
   */
  name?: string
  /** @default '/' */
  path?: string
  /** Leave unset (host-only) unless sessions must span subdomains. */
  domain?: string
  /**
   * `'auto'` marks the cookie Secure when the request came over HTTPS (behind a proxy
   * only when the adapter trusts it).
   * @default 'auto'
   */
  secure?: boolean | 'auto'
  /** @default true */
  httpOnly?: boolean
  /** @default 'Lax' */
  sameSite?: CookieAttributes['sameSite']
  /** CHIPS partitioned cookie (requires Secure). @default false */
  partitioned?: boolean
}

/** Options of {@link SessionManager}; validated once, at construction. */
export interface SessionManagerOptions {
  /** Where sessions live. */
  store: SessionStore
  /**
   * Application secret (≥ 32 characters) used to sign derived values and to salt the
   * identifiers in events and logs.
   */
  secret: string
  /** Previous secrets still accepted while a rotation is rolled out. @default [] */
  fallbackSecrets?: readonly string[]
  cookie?: SessionCookieOptions
  /**
   * Seconds of inactivity after which a session ends (sliding).
   * @default 1209600 (two weeks, Django's SESSION_COOKIE_AGE)
   */
  idleTimeout?: number
  /**
   * Seconds after creation after which a session ends whatever its activity.
   * @default 2592000 (30 days)
   */
  absoluteTimeout?: number
  /**
   * Minimum seconds between two writes that only slide the idle expiry of a session
   * that is read but not modified. Must be at most half of `idleTimeout`.
   * @default Math.min(300, Math.floor(idleTimeout / 4))
   */
  renewalInterval?: number
  /** Cookies without Max-Age, gone when the browser closes. The server still enforces both timeouts. @default false */
  expireAtBrowserClose?: boolean
  /** Milliseconds a store call may take before it fails with `STORE_TIMEOUT`. @default 1000 */
  storeTimeout?: number
  /**
   * Loads the sessions that the requests of one event-loop turn read from a store with
   * `getNow` (`MemoryStore`, `SqliteStore`, `RedisStore` with `clientSideCache`, a
   * `TieredStore` whose cache has one) together, at the end of that turn
   * (`setImmediate`), instead of each at once. Under load Node reads many requests in
   * one turn: loading their sessions, then running what awaited them, back to back,
   * takes less CPU per request than interleaving each with the parsing of the next
   * (`bench/README.md`, "What changed"). A request waits at most for the rest of its
   * turn; one alone in its turn pays one `setImmediate`. `false` loads each session as
   * it is first read. A store with no `getNow` is not batched here (its reads wait on
   * I/O anyway: `RedisStore` without `clientSideCache` sends each in the turn that
   * asked, corked with the rest of that turn's); a `getNow` that answers `undefined`
   * reads through `getShared` or `get` from that point (RedisStore corks those until the
   * next turn's end). Without `setImmediate` (a runtime that lacks it) sessions load at
   * once whatever this says.
   * @default true
   */
  batchLoads?: boolean
  /**
   * Where a store outage is logged: the first failure, one summary per interval, and
   * the recovery, instead of a line per failed request. Every store call the manager
   * makes is reported to it.
   * @default undefined (the manager logs nothing; failures only reach the adapter's 503)
   */
  storeOutageLog?: StoreOutageLog
  /**
   * How many times a save retries after a compare-and-set conflict. Each conflict means
   * another writer succeeded, so n concurrent writers all land within n retries.
   * @default 128
   */
  maxConflictRetries?: number
  /**
   * Cookieless sessions (django-session-token): where clients send the header token that
   * `session.getSessionToken()` hands out. Tokens are never read from the URL.
   */
  token?: {
    /** @default 'X-Session-Token' */
    header?: string
    /** Also accept `Authorization: Bearer <token>`. @default false */
    bearer?: boolean
  }
  /**
   * What the session cookie holds: `'opaque'`, the credential itself; `'jwt'`, a signed
   * JWT carrying the credential and user fields for federated services (django-session-jwt),
   * configured by {@link jwt}. The store and revocation work the same in both.
   * @default 'opaque'
   */
  format?: 'opaque' | 'jwt'
  /** Options of the `jwt` format; required with it, refused without it. */
  jwt?: JwtSessionOptions
  /**
   * The app's users (the provider `getSessionUser` and `management()` take). In the
   * `jwt` format, a commit that would send a logged-in session a fresh JWT without
   * logging in — the re-issue of an expired, ageing or old-key token, a sliding renewal,
   * a save — first checks the user as `getSessionUser` does (exists, active, session
   * auth hash matches its password hash): one `findById`. A user the app no longer
   * accepts gets no token: the session is flushed instead. A plain read (no re-issue
   * due, no write) never looks the user up. Introspection uses it too, unless given its
   * own.
   *
   * Without it the session layer cannot know a user was disabled or had their password
   * reset outside `SessionManagement.changePassword()`: the app keeps re-issuing JWTs
   * (which store-less verifiers accept) to whoever holds the session's credential until
   * the app's next `getSessionUser` on it, or `endUserSessions()`. Either way, end the
   * user's sessions with `endUserSessions()` when disabling a user or resetting a
   * password.
   * @default undefined (JWTs are re-issued without looking the user up)
   */
  users?: UserProvider
  /**
   * Receives the error of a session event listener that threw or rejected, wrapped in a
   * {@link ListenerError} (code `LISTENER_FAILED`, the event type, the listener's error
   * as `cause`). The request that emitted the event is unaffected and the other
   * listeners still run.
   * @default logs the error with `console.error`
   */
  onError?: (error: ListenerError) => void
  /** @default Date.now */
  clock?: Clock
  /** @default crypto.getRandomValues */
  random?: RandomSource
}
