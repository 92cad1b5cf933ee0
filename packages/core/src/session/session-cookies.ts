import { type CookieAttributes, deleteCookie, getCookie, serializeCookie } from '../cookie/index.js'
import { expiresAt, type SessionRecord } from '../store/session-record.js'
import type { CommitResult } from './commit-result.js'
import type { Credential } from './credential.js'
import { CSRF_COOKIE_PURPOSE } from './csrf-cookie-secret.js'
import { internalIn, type SessionState } from './session-state.js'

/**
 * The `Set-Cookie` output of a commit: the session cookie (opaque or a session JWT),
 * its deletion, and the signed CSRF cookie of a session that is not stored. Clients that
 * authenticate with a header token get no cookies: they did not ask for any.
 */

/** The configured cookie attributes for this request (Secure per the request in `'auto'`). */
function attributes(state: SessionState): CookieAttributes {
  const o = state.loader.options
  const secure = o.secure === 'auto' ? state.request.secure : o.secure
  return { ...o.cookie, secure, ...state.cookieOverride }
}

/** Sends `credential` for `record` as the session cookie, with a Max-Age that follows its expiry. */
export async function sendSessionCookie(
  state: SessionState,
  credential: Credential,
  record: SessionRecord,
  now: number,
  out: CommitResult,
): Promise<void> {
  if (state.kind === 'token') return
  const o = state.loader.options
  const attrs = attributes(state)
  if (!(o.browserClose || record.meta.browserSession)) {
    attrs.maxAge = Math.max(0, Math.ceil((expiresAt(record) - now) / 1000))
  }
  const jwt = state.loader.jwt
  const value = jwt ? await jwt.issue(credential.value, record, now) : credential.value
  out.setCookie.push(serializeCookie(o.cookieName, value, attrs))
  out.noStore = true
}

/** Tells the browser to drop its session cookie (`Max-Age=0`). */
export function clearSessionCookie(state: SessionState, out: CommitResult): void {
  if (state.kind === 'token') return
  out.setCookie.push(deleteCookie(state.loader.options.cookieName, attributes(state)))
  out.noStore = true
}

/** Whether the request came with a cookie named `name`. */
export function requestHasCookie(state: SessionState, name: string): boolean {
  return state.request.cookie != null && getCookie(state.request.cookie, name) !== undefined
}

/**
 * The signed cookie holding the CSRF secret of a session that is not stored: set when
 * the secret is new in this request, cleared once the session is stored (the secret
 * now lives there) or flushed, so a browser holds its secret in one place only.
 */
export async function sendCsrfCookie(state: SessionState, out: CommitResult): Promise<void> {
  if (state.kind === 'token') return
  const name = state.loader.csrfCookieName
  const held = state.cookieCsrf
  if (!state.base && held?.send) {
    const mac = await state.loader.keys.sign(CSRF_COOKIE_PURPOSE, held.secret)
    // No Max-Age: it ends with the browser, and an unstored session has no expiry to follow.
    out.setCookie.push(serializeCookie(name, `${held.secret}.${mac}`, attributes(state)))
    out.noStore = true
  } else if ((state.base || state.destroyedId) && requestHasCookie(state, name)) {
    out.setCookie.push(deleteCookie(name, attributes(state)))
    out.noStore = true
  }
}

/**
 * A session left with nothing worth storing keeps its CSRF secret all the same: back
 * in the signed cookie, as for any session not stored, so the page's tokens still work.
 */
export function csrfBackToCookie(state: SessionState): void {
  const secret = internalIn(state).csrfSecret
  if (secret !== undefined && state.cookieCsrf?.secret !== secret)
    state.cookieCsrf = { secret, send: true }
}
