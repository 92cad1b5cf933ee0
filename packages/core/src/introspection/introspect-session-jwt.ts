import { checkSessionUser } from '../auth/session-user-check.js'
import type { UserProvider } from '../auth/user-provider.js'
import type { SessionJwtClaims } from '../jwt/create-session-jwt-verifier.js'
import type { Session } from '../session/session.js'
import type { SessionManager } from '../session/session-manager.js'
import { operationsOf } from '../session/session-operations.js'

/**
 * The answer of {@link introspectSessionJwt}, shaped as an RFC 7662 §2.2 response.
 *
 * @example
 * ```ts
 * const answer: SessionJwtIntrospection = await introspectSessionJwt(manager, token)
 * if (answer.active) console.log(answer.sub)
 * ```
 */
export type SessionJwtIntrospection = { active: false } | ({ active: true } & SessionJwtClaims)

const INACTIVE: SessionJwtIntrospection = Object.freeze({
  active: false,
}) as SessionJwtIntrospection
// A compact JWS: three base64url segments (the signature may not be empty here).
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * Whether a session JWT is *active* in the sense of RFC 7662 (OAuth token
 * introspection): it verifies with the manager's keys, has not expired (no
 * `acceptExpired` window here: a federated service asks about the token it holds), the
 * session behind it is alive in the store with that credential — so a token copied
 * before logout answers `{ active: false }` right after it — and, with `users`, the
 * session's user is one the app still accepts: the same check as `getSessionUser`
 * (exists, not disabled, session auth hash matches the current password hash). An
 * active answer carries the token's claims without `sid` (the session credential).
 *
 * `users` defaults to the manager's `users` option. **Without either, a disabled user's
 * session, or one whose password was reset outside `SessionManagement.changePassword()`,
 * stays active here** until the app's own `getSessionUser` meets it or
 * `endUserSessions()` ends it: pass the app's users, and call `endUserSessions()` when
 * disabling a user or resetting a password.
 *
 * For the introspection endpoint of an app in the `jwt` format; authenticate the
 * calling service before answering. Untrusted input never throws; a store failure
 * throws `StoreError` (answer 503). Nothing is written: the session is neither renewed
 * nor flushed, even when its user is refused.
 *
 * @example
 * ```ts
 * const isService = serviceCredentialChecker([process.env.INTROSPECTION_CREDENTIAL!])
 * app.post('/introspect', async (c) => {
 *   if (!(await isService(c.req.header('authorization')))) return c.body(null, 401)
 *   const form = await c.req.parseBody()
 *   return c.json(await introspectSessionJwt(manager, String(form.token ?? ''), users))
 * })
 * ```
 */
export async function introspectSessionJwt(
  manager: SessionManager,
  token: string | null | undefined,
  users: UserProvider | undefined = manager.users,
): Promise<SessionJwtIntrospection> {
  if (typeof token !== 'string' || !COMPACT.test(token)) return INACTIVE
  // The token is the whole cookie value (checked above), so it parses back unchanged.
  const session: Session = manager.open({ cookie: `${manager.cookieName}=${token}`, secure: true })
  const ops = operationsOf(session)
  const codec = ops.jwt
  if (!codec) return INACTIVE
  const verified = await codec.read(token, ops.now(), 0)
  if (!verified) return INACTIVE
  // Loads through the manager: the same credential and expiry checks as a request.
  if (!(await ops.loadedFromCookie())) return INACTIVE
  // RFC 7662 §2.2: active only if the app itself would honour it; the app's
  // getSessionUser refuses (and logs out) a session whose user fails this check.
  const userId = await session.getUserId()
  if (users !== undefined && userId !== null) {
    const user = await checkSessionUser(ops.keys, users, userId, await session.getAuthHash())
    if (user === null) return INACTIVE
  }
  const { sid: _sid, ...claims } = structuredClone(verified.claims) as SessionJwtClaims & {
    sid?: string
  }
  return { active: true, ...claims }
}
