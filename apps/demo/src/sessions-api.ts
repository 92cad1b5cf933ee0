import {
  getSessionUser,
  type ListedSession,
  type LoginThrottle,
  type Session,
  type SessionManagement,
} from '@tessera/core'
import {
  type ApiRequest,
  type ApiResult,
  type ApiRoutes,
  json,
  notAuthenticated,
} from './api-handler.js'
import type { DemoUser, DemoUsers } from './demo-users.js'
import { readJsonObject } from './read-json.js'

/** What the session-management endpoints need. */
export interface SessionsApiDeps {
  users: DemoUsers
  throttle: LoginThrottle
  management: SessionManagement<DemoUser>
}

// Same cap as the login form's: hashing cost stays bounded for hostile input.
const MAX_PASSWORD = 4096
const MIN_NEW_PASSWORD = 8

const row = (s: ListedSession) => ({
  id: s.id,
  current: s.current,
  label: s.label,
  browser: s.browser,
  os: s.os,
  device: s.device,
  ip: s.ip,
  createdAt: new Date(s.createdAt).toISOString(),
  lastSeenAt: new Date(s.lastSeenAt).toISOString(),
  expiresAt: new Date(s.expiresAt).toISOString(),
})

/**
 * "Your sessions" and the password change (session management), as routes for the demo's route
 * table (`...createSessionsApi(deps)` in `createApi`). JSON in and out; a logged-in user
 * (cookie or header token) only, else `401`:
 *
 * - `GET /api/sessions/` → `{ sessions: [...], fresh }`: the user's live sessions, the
 *   current one first, each with its public id, browser/OS, IP, created and last seen
 *   (ISO 8601); `fresh` says whether sensitive actions are allowed without a password.
 * - `DELETE /api/sessions/:id/` (a public id) → `{ detail, current }`, or `404` for an
 *   id that is not one of this user's sessions. Revoking the current one logs it out;
 *   revoking another one needs a fresh login, as revoke-others does (`403`).
 * - `POST /api/sessions/revoke-others/` → `{ revoked }`: needs a fresh login
 *   (`FRESH_AGE`), otherwise `403 {"code": "reauthentication_required"}`.
 * - `POST /api/reauthenticate/` `{"password"}` → the session is fresh again.
 * - `POST /api/password/` `{"oldPassword","newPassword"}` → changes the password, keeps
 *   this session and ends every other one: `{ detail, ended }`.
 *
 * Each password entry reserves an attempt on the login throttle before the password is
 * checked (`429` once the limit is reached); wrong passwords keep their place and answer
 * `400 {"code": "invalid_password"}`. A re-authentication or a password change gives the
 * session a new credential: a header-token client gets its new token in `sessionToken`.
 *
 * @example
 * ```ts
 * return { ...loginRoutes, ...createSessionsApi({ users, throttle, management }) }
 * ```
 */
export function createSessionsApi(deps: SessionsApiDeps): ApiRoutes {
  const { users, throttle, management } = deps

  /** Runs `handle` for the session's user, or answers 401. */
  const signedIn =
    (handle: (request: ApiRequest, user: DemoUser) => Promise<ApiResult>) =>
    async (request: ApiRequest) => {
      const user = await getSessionUser(request.session, users)
      return user ? handle(request, user) : notAuthenticated()
    }

  /** Checks a password the user re-entered, through the login throttle. */
  async function withPassword(
    request: ApiRequest,
    user: DemoUser,
    check: () => Promise<boolean>,
    onSuccess: () => Promise<ApiResult>,
  ): Promise<ApiResult> {
    // Reserved before the password is checked, as at login (see `LoginThrottle.reserve`).
    const attempt = await throttle.reserve(user.username, request.clientIp)
    if (!attempt.allowed) {
      return json(
        { detail: 'Too many wrong passwords. Try again later.', retryAfter: attempt.retryAfter },
        429,
        { 'Retry-After': String(attempt.retryAfter) },
      )
    }
    if (!(await check())) {
      return json({ detail: 'Wrong password.', code: 'invalid_password' }, 400)
    }
    await attempt.succeeded()
    return onSuccess()
  }

  return {
    'GET /api/sessions/': signedIn(async ({ session }) =>
      json({
        sessions: (await management.list(session)).map(row),
        fresh: await management.isFresh(session),
      }),
    ),

    'DELETE /api/sessions/:id/': signedIn(async ({ session, params }) => {
      const id = params.id ?? ''
      // Ending another session is what revoke-others does one at a time: it needs the same
      // recent login. Ending this one is a logout and needs none.
      const target = (await management.list(session)).find((listed) => listed.id === id)
      if (!target) return json({ detail: 'Not found.' }, 404)
      if (!target.current && !(await management.isFresh(session))) {
        return needsRecentLogin('Signing out another session needs a recent login.')
      }
      const revoked = await management.revoke(session, id)
      if (!revoked) return json({ detail: 'Not found.' }, 404)
      return json({ detail: 'Session revoked.', current: revoked.current })
    }),

    'POST /api/sessions/revoke-others/': signedIn(async ({ session }) => {
      if (!(await management.isFresh(session))) {
        return needsRecentLogin('Signing out other sessions needs a recent login.')
      }
      return json({ revoked: await management.revokeOthers(session) })
    }),

    'POST /api/reauthenticate/': signedIn(async (request, user) => {
      const body = await readJsonObject(request)
      if (!body.ok) return body.result
      const { password } = body.fields
      if (typeof password !== 'string' || !password || password.length > MAX_PASSWORD) {
        return json({ detail: '"password" is required.' }, 400)
      }
      const { session } = request
      return withPassword(
        request,
        user,
        () => management.reauthenticate(session, password, request.clientIp),
        async () => json({ detail: 'Password confirmed.', ...(await newToken(session)) }),
      )
    }),

    'POST /api/password/': signedIn(async (request, user) => {
      const body = await readJsonObject(request)
      if (!body.ok) return body.result
      const { oldPassword, newPassword } = body.fields
      if (typeof oldPassword !== 'string' || typeof newPassword !== 'string' || !oldPassword) {
        return json({ detail: 'Both "oldPassword" and "newPassword" are required.' }, 400)
      }
      if (oldPassword.length > MAX_PASSWORD || newPassword.length > MAX_PASSWORD) {
        return json({ detail: 'Password too long.' }, 400)
      }
      if (newPassword.length < MIN_NEW_PASSWORD) {
        const detail = `The new password must have at least ${MIN_NEW_PASSWORD} characters.`
        return json({ detail }, 400)
      }
      const { session } = request
      let ended = 0
      return withPassword(
        request,
        user,
        async () => {
          const result = await management.changePassword(
            session,
            oldPassword,
            newPassword,
            request.clientIp,
          )
          if (result.ok) ended = result.ended
          return result.ok
        },
        async () => json({ detail: 'Password changed.', ended, ...(await newToken(session)) }),
      )
    }),
  }
}

/** Both re-entry and a password change rotate the credential: a cookieless client needs its new token. */
async function newToken(session: Session): Promise<{ sessionToken?: string }> {
  return session.loadedFromSessionToken ? { sessionToken: await session.getSessionToken() } : {}
}

/** `403 reauthentication_required`: the SPA asks for the password, then tries again. */
function needsRecentLogin(what: string): ApiResult {
  return json(
    { detail: `${what} Enter your password again.`, code: 'reauthentication_required' },
    403,
  )
}
