import type { AuthUser, UserProvider } from '../auth/user-provider.js'
import type { CsrfOptions } from '../csrf/csrf-options.js'
import type { JwksOptions } from '../jwt/jwks-response.js'
import type { SharedSessions } from '../shared/shared-sessions.js'

/**
 * A login-required group of routes — Django REST framework's `IsAuthenticated` as the
 * default permission — with its explicit opt-outs (`AllowAny`).
 *
 * @example
 * ```ts
 * const loginRequired = { paths: ['/api/'], allowAnonymous: ['POST /api/login/', 'GET /api/csrf/'] }
 * ```
 */
export interface LoginRequiredOptions {
  /**
   * Path prefixes of the group, each starting with `/` (`'/api/'` covers `/api/me/`).
   * Matched failing closed, as loosely as a router may read a path: `%` escapes decoded,
   * any case, repeated slashes as one, with or without the final slash (`/%61pi/me`,
   * `/API/me`, `//api/me` and `/api` are all in the group of `'/api/'`).
   */
  paths: readonly string[]
  /**
   * Routes of the group anonymous requests may still reach: exact `"/path"` (any method)
   * or `"METHOD /path"` entries (a `GET` entry covers `HEAD`); no wildcards, so a route
   * added to the group later needs a login until someone lists it. Matched on the path
   * exactly as received: another spelling of an opted-out path needs a login.
   * @default []
   */
  allowAnonymous?: readonly string[]
}

/**
 * What every adapter's one entry point takes (Hono and Express `session()`, Fastify's
 * `tesseraSession`, `withSession` for fetch handlers), resolved once at startup by
 * `createRequestLifecycle`: a bad value throws `ConfigError` with an exact message. Each
 * option is given once and reaches every part of the request: `trustProxy` decides the
 * session cookie's `Secure`, the origin CSRF expects, the shared-session routes' scheme
 * and the recorded client address alike.
 *
 * @example
 * ```ts
 * const options: LifecycleOptions = { trustProxy: true, allowedHosts: ['app.example'], csrf: true }
 * ```
 */
export interface LifecycleOptions<U extends AuthUser = AuthUser> {
  /**
   * Believe `X-Forwarded-Proto` and the last `X-Forwarded-For` entry: set it when one
   * proxy you control sits in front of the app (see `proxyView`).
   * @default false
   */
  trustProxy?: boolean
  /**
   * The hosts the app answers for (Django's `ALLOWED_HOSTS`): `"name"` (any port),
   * `"name:port"` or `"[ipv6]"`, exact, case-insensitive. Any other `Host` gets
   * `400 {"detail": "Invalid Host header.", "code": "DISALLOWED_HOST"}` before anything
   * else runs: the CSRF Origin check trusts the request's own origin, built from it.
   * @default undefined (every host; set it in production)
   */
  allowedHosts?: readonly string[]
  /**
   * Django's CSRF protection, bound to the session, on every unsafe method (anything
   * but GET, HEAD, OPTIONS, TRACE): `true` for the defaults, or the core `CsrfOptions`
   * (`exempt` opts requests out). A refusal is `403 {"detail": "CSRF Failed: …",
   * "code": "CSRF_…"}` and the handler never runs. After a handler that called
   * `getCsrfToken()`, the response sets the readable `csrftoken` cookie.
   * @default undefined (no CSRF check)
   */
  csrf?: CsrfOptions | true
  /**
   * Most bytes of a form body read for the `csrfmiddlewaretoken` field on a
   * CSRF-checked request; a larger one (by `Content-Length`, or counted as it streams)
   * is `413 {"detail": …, "code": "BODY_TOO_LARGE"}` before the check and the handler.
   * @default 65536 (64 KiB)
   */
  bodyLimit?: number
  /**
   * django-shared-session's routes: `GET <sharedSessions.path>/*` (script, loader,
   * redirect hops) is answered by the core; the session it installs is saved as usual.
   * @default undefined
   */
  sharedSessions?: SharedSessions
  /**
   * Serve the manager's JWKS (django-session-jwt's public keys) on `GET`/`HEAD`
   * `/.well-known/jwks.json` (or `path`), `Cache-Control: public, max-age=300` (or
   * `maxAge`), before any session is opened. `true` for the defaults.
   * @default undefined (not served)
   */
  jwks?: JwksOptions | true
  /** Where the logged-in user is looked up (`loginRequired`, `RequestScope.user()`). */
  users?: UserProvider<U>
  /**
   * A login-required group: an anonymous request to it gets
   * `401 {"detail": "Authentication credentials were not provided."}` with
   * `WWW-Authenticate: Session`. Needs `users`.
   * @default undefined (no group)
   */
  loginRequired?: LoginRequiredOptions
}
