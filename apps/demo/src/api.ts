import {
  getCsrfToken,
  getSessionUser,
  type LoginThrottle,
  type PasswordHasher,
  type SessionManagement,
  safeRedirectPath,
} from '@tessera/core'
import {
  type ApiRequest,
  type ApiRoutes,
  json,
  notAuthenticated,
  SESSION_CHALLENGE,
} from './api-handler.js'
import { createCartApi } from './cart-api.js'
import type { DemoUser, DemoUsers } from './demo-users.js'
import { readJsonObject } from './read-json.js'
import { createSessionsApi } from './sessions-api.js'

/** What the demo API needs. */
export interface ApiDeps {
  users: DemoUsers
  hasher: PasswordHasher
  throttle: LoginThrottle
  /**
   * Login with the per-user session cap, logout, "your sessions", freshness, password
   * change and the audit trail (session management), over the same store as the manager.
   */
  management: SessionManagement<DemoUser>
  /**
   * The client address used for throttling. By default the socket's peer address; behind
   * a proxy, read the header that proxy overwrites.
   */
  clientIp?: (request: Omit<ApiRequest, 'clientIp'>) => string
}

// Django's username limit; a password cap keeps hashing cost bounded for hostile input.
const MAX_USERNAME = 150
const MAX_PASSWORD = 4096

const publicUser = (user: DemoUser) => ({ id: user.id, username: user.username })

/**
 * The session-auth API of Django REST framework's `SessionAuthentication` behind a Vue
 * SPA (the Django + DRF + Vue session-auth guide) — csrf, session-token, login, logout,
 * me and hello, JSON in and out — as a framework-independent route table. The same table runs
 * on Hono (`app.ts`), Express (`express-app.ts`), Fastify (`fastify-app.ts`) and plain
 * fetch handlers (`fetch-app.ts`); `apps/demo/test/api.test.ts` runs the contract tests
 * against all four.
 *
 * **Adding an endpoint.** Add one entry `'METHOD /api/path/'` → handler to the table
 * (or spread a table from your own file: `...createSessionsApi(deps)`), and nothing in
 * the bindings. A handler is a plain async function of an {@link ApiRequest} —
 * `session`, `params` (`:name` segments), `query`, `header()`, `json()`, `clientIp` —
 * returning `json(body, status?, headers?)`. What the bindings already did before it
 * runs: the session is open (lazy), and every unsafe method (POST, PUT, PATCH, DELETE)
 * passed the CSRF check (token + Origin/Fetch Metadata), so a handler never checks CSRF.
 * What the dispatcher does: `405` + `Allow` when the path exists under another method,
 * `404` JSON for unknown `/api` paths, `503` JSON for a `StoreError` thrown anywhere.
 * Rules: check the Content-Type before `json()` when the body must be JSON (a
 * cross-site form cannot send `application/json`); answer untrusted input with a 4xx,
 * never a throw; an endpoint that needs a user starts with
 * `getSessionUser()` and answers `notAuthenticated()` without one (what the adapters'
 * `requireUser` answers; it also logs out disabled users and stale-password sessions).
 *
 * @example
 * ```ts
 * export function createApi(deps: ApiDeps): ApiRoutes {
 *   return {
 *     // …the routes below…
 *     'DELETE /api/sessions/:id/': async (request) => {
 *       const user = await getSessionUser(request.session, deps.users)
 *       if (!user) return notAuthenticated()
 *       await revoke(user, request.params.id)
 *       return json({ detail: 'Session ended.' })
 *     },
 *   }
 * }
 * ```
 */
export function createApi(deps: ApiDeps): ApiRoutes {
  const { users, throttle, management } = deps

  return {
    'GET /api/csrf/': async ({ session }) => json({ csrfToken: await getCsrfToken(session) }),

    // django-session-token: a header token for clients that cannot keep cookies
    // (webviews, sandboxed iframes). Every endpoint below accepts it in X-Session-Token
    // instead of the cookie.
    'GET /api/session-token/': async ({ session }) =>
      json({ sessionToken: await session.getSessionToken() }),

    'POST /api/login/': async (request) => {
      // JSON only: a cross-site form can send text/plain or urlencoded bodies without a
      // preflight, never application/json.
      const body = await readJsonObject(request)
      if (!body.ok) return body.result
      const { username, password } = body.fields
      if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
        return json({ detail: 'Both "username" and "password" are required.' }, 400)
      }
      if (username.length > MAX_USERNAME || password.length > MAX_PASSWORD) {
        return json({ detail: 'Username or password too long.' }, 400)
      }
      const client = request.clientIp
      // The attempt takes its place on the throttle's counters before the password is
      // checked: a parallel burst gets no more password checks than the limit.
      const attempt = await throttle.reserve(username, client)
      if (!attempt.allowed) {
        return json(
          {
            detail: 'Too many failed login attempts. Try again later.',
            retryAfter: attempt.retryAfter,
          },
          429,
          { 'Retry-After': String(attempt.retryAfter) },
        )
      }
      const user = await management.authenticate(username, password, client)
      // A wrong password needs no call: the place the attempt holds is the failure.
      // 401 as Django's own JSON login answers (DRF's serializer says 400), with the
      // WWW-Authenticate that RFC 9110 §15.5.2 requires of every 401.
      if (!user) return json({ detail: 'Invalid username or password.' }, 401, SESSION_CHALLENGE)
      await attempt.succeeded()
      const { session } = request
      await management.login(session, user, client)
      const next = request.query.get('next')
      return json({
        user: publicUser(user),
        ...(next === null ? {} : { next: safeRedirectPath(next) }),
        // Login rotated every credential, the header token included: a cookieless client
        // gets its new token here.
        ...(session.loadedFromSessionToken
          ? { sessionToken: await session.getSessionToken() }
          : {}),
      })
    },

    'POST /api/logout/': async ({ session, clientIp }) => {
      await management.logout(session, clientIp)
      // Also ask the browser to drop everything it keeps for this origin (SECURITY.md).
      return json({ detail: 'Logged out.' }, 200, {
        'Clear-Site-Data': '"cache", "cookies", "storage"',
      })
    },

    'GET /api/me/': async ({ session }) => {
      const user = await getSessionUser(session, users)
      return json({ user: user ? publicUser(user) : null })
    },

    // Cookie or header token, either works: django-session-token's SessionTokenAuthentication.
    'GET /api/hello/': async (request) => {
      const user = await getSessionUser(request.session, users)
      if (!user) return notAuthenticated()
      return json({ message: `Hello ${user.username}` })
    },

    // Your sessions, revocation, re-authentication and password change (session management).
    ...createSessionsApi(deps),

    // Anonymous session data, shared across sites like a login (django-shared-session).
    ...createCartApi(),
  }
}
