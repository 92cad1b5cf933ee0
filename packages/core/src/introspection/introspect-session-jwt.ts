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
 * `acceptExpired` window here: a federated service asks about the token it holds), and
 * the session behind it is alive in the store with that credential — so a token copied
 * before logout answers `{ active: false }` right after it. An active answer carries
 * the token's claims without `sid` (the session credential).
 *
 * For the introspection endpoint of an app in the `jwt` format; authenticate the
 * calling service before answering. Untrusted input never throws; a store failure
 * throws `StoreError` (answer 503). Nothing is written: the session is not renewed.
 *
 * @example
 * ```ts
 * app.post('/introspect', requireServiceCredential, async (c) => {
 *   const form = await c.req.parseBody()
 *   return c.json(await introspectSessionJwt(manager, String(form.token ?? '')))
 * })
 * ```
 */
export async function introspectSessionJwt(
  manager: SessionManager,
  token: string | null | undefined,
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
  const { sid: _sid, ...claims } = structuredClone(verified.claims) as SessionJwtClaims & {
    sid?: string
  }
  return { active: true, ...claims }
}
