import { getCookie } from '../cookie/index.js'
import type { SessionState } from './session-state.js'

/**
 * HMAC purpose of the signed cookie that holds the CSRF secret of a session that is not
 * stored (Django's default, `CSRF_USE_SESSIONS = False`): a MAC made for another use (a
 * session auth hash, a transfer code) never passes for this one.
 */
export const CSRF_COOKIE_PURPOSE = 'tessera.csrf-secret'

// The secret's alphabet and length as the CSRF module makes it; the MAC authenticates
// it, this only refuses anything else before spending an HMAC on it.
const SECRET = /^[A-Za-z0-9]{32}$/
// base64url HMAC-SHA256, as Keyring.sign makes it.
const MAC = /^[A-Za-z0-9_-]{43}$/

/**
 * The verified secret of the request's signed CSRF cookie (remembered on the state), or
 * `undefined`. Untrusted input: never throws. The manager calls it when it creates a
 * session, so the secret moves in even if nothing read it during the request.
 */
export async function readCsrfCookie(state: SessionState): Promise<string | undefined> {
  if (state.cookieCsrf) return state.cookieCsrf.secret
  const raw = getCookie(state.request.cookie, state.loader.csrfCookieName)
  if (raw === undefined || raw.length !== 76 || raw[32] !== '.') return undefined
  const secret = raw.slice(0, 32)
  const mac = raw.slice(33)
  if (!SECRET.test(secret) || !MAC.test(mac)) return undefined
  if (!(await state.loader.keys.verify(CSRF_COOKIE_PURPOSE, secret, mac))) return undefined
  // Remembered so that a request which goes on to store something (a form post that
  // fills a cart) moves this secret into the new session, and its tokens keep working.
  state.cookieCsrf = { secret, send: false }
  return secret
}

/**
 * Keeps `secret` in the signed cookie for this response (the session stays unstored).
 * If the session becomes worth storing before the response, the commit moves the
 * secret into it instead.
 */
export function holdCsrfInCookie(state: SessionState, secret: string): void {
  // Unchanged: the browser has this cookie already, no need to send it again.
  if (state.cookieCsrf?.secret === secret) return
  state.cookieCsrf = { secret, send: true }
}
