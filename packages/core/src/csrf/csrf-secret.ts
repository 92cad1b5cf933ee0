import { getCookie } from '../cookie/index.js'
import { readInternals, writeInternals } from '../session/internal-fields.js'
import type { Session } from '../session/session.js'
import { type SessionState, STATE } from '../session/session-state.js'
import type { LEGACY_KEYS } from '../store/upgrade-record.js'
import { isCsrfSecret } from './csrf-token.js'

/**
 * The reserved session key where earlier versions kept the CSRF secret inside the
 * session data. The secret is now a field of the session record (`csrfSecret`), which
 * `session.keys()` never shows and `session.clear()` keeps; records that still have
 * this key load with it moved there, and `session.set()` refuses the key.
 *
 * @example
 * ```ts
 * await session.has(CSRF_SESSION_KEY) // always false: the secret is not session data
 * ```
 */
export const CSRF_SESSION_KEY = '_csrf' satisfies keyof typeof LEGACY_KEYS

/**
 * HMAC purpose of the signed CSRF secret cookie: a MAC made for another use (a session
 * auth hash, a transfer code) never passes for this one.
 * @internal
 */
export const CSRF_COOKIE_PURPOSE = 'tessera.csrf-secret'

// base64url HMAC-SHA256, as Keyring.sign makes it.
const MAC = /^[A-Za-z0-9_-]{43}$/

/**
 * The CSRF secret the request is bound to: the session's own when it has one, else —
 * only while the session is not stored — the one in this browser's signed cookie.
 * `undefined` when there is neither or the cookie does not verify. Never throws on the
 * cookie's content (it is untrusted); rejects only with the session's `StoreError`.
 * @internal
 */
export async function csrfSecretOf(session: Session): Promise<string | undefined> {
  const secret = (await readInternals(session)).csrfSecret
  if (isCsrfSecret(secret)) return secret
  return cookieSecret(session)
}

/**
 * Whether the session itself holds a CSRF secret (rather than the signed cookie).
 * @internal
 */
export async function secretInSession(session: Session): Promise<boolean> {
  return isCsrfSecret((await readInternals(session)).csrfSecret)
}

/**
 * Keeps `secret` as the session's CSRF secret (saved at commit).
 * @internal
 */
export function keepInSession(session: Session, secret: string): Promise<void> {
  return writeInternals(session, { csrfSecret: secret })
}

/**
 * Whether the secret belongs in the session: it is stored already, or has something
 * worth storing (data, a user, a header token). Else it belongs in the signed cookie.
 * @internal
 */
export async function secretBelongsInSession(session: Session): Promise<boolean> {
  const empty = await session.isEmpty()
  return !empty || session[STATE].base !== null
}

/**
 * Keeps `secret` in the signed cookie for this response (the session stays unstored).
 * If the session becomes worth storing before the response, the manager moves the
 * secret into it instead.
 * @internal
 */
export function holdInCookie(session: Session, secret: string): void {
  const state = session[STATE]
  // Unchanged: the browser has this cookie already, no need to send it again.
  if (state.cookieCsrf?.secret === secret) return
  state.cookieCsrf = { secret, send: true }
}

/**
 * The secret in the request's signed CSRF cookie, verified with the manager's keyring;
 * only for a session that is not stored (a stored session's secret is in its record, and
 * a cookie planted next to it must not stand in for it).
 */
function cookieSecret(session: Session): Promise<string | undefined> {
  const state = session[STATE]
  if (state.base !== null) return Promise.resolve(undefined)
  return readCsrfCookie(state)
}

/**
 * The verified secret of the request's signed CSRF cookie (remembered on the state), or
 * `undefined`. Untrusted input: never throws. The manager calls it when it creates a
 * session, so the secret moves in even if nothing read it during the request.
 * @internal
 */
export async function readCsrfCookie(state: SessionState): Promise<string | undefined> {
  if (state.cookieCsrf) return state.cookieCsrf.secret
  const raw = getCookie(state.request.cookie, state.loader.csrfCookieName)
  if (raw === undefined || raw.length !== 76 || raw[32] !== '.') return undefined
  const secret = raw.slice(0, 32)
  const mac = raw.slice(33)
  if (!isCsrfSecret(secret) || !MAC.test(mac)) return undefined
  if (!(await state.loader.keys.verify(CSRF_COOKIE_PURPOSE, secret, mac))) return undefined
  // Remembered so that a request which goes on to store something (a form post that
  // fills a cart) moves this secret into the new session, and its tokens keep working.
  state.cookieCsrf = { secret, send: false }
  return secret
}
