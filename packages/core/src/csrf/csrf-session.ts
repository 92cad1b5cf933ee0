import { requestSlot, setRequestSlot } from '../session/request-slot.js'
import type { Session } from '../session/session.js'
import {
  CSRF_SESSION_KEY,
  csrfSecretOf,
  holdInCookie,
  keepInSession,
  secretBelongsInSession,
  secretInSession,
} from './csrf-secret.js'
import { createCsrfSecret, maskCsrfSecret } from './csrf-token.js'

export { CSRF_SESSION_KEY }

// The masked token to put in the csrftoken cookie of this request's response, kept
// beside the per-request Session: nothing leaks past the request and nothing is added
// to the session's public surface.
const PENDING_COOKIE = Symbol('tessera.csrfCookie')

/**
 * The CSRF token for this session, to put in a form (`csrfmiddlewaretoken`) or send
 * back in the `X-CSRFToken` header — Django's `get_token()`. Creates the secret when
 * there is none. Where it lives follows Django's default (`CSRF_USE_SESSIONS=False`):
 * while the session holds nothing worth storing, in a signed, HttpOnly cookie bound to
 * this browser (`<session cookie name>_csrf`), so an anonymous visitor who fetches a
 * token creates no store row; once the session is stored, in the session. Each call returns a freshly masked
 * token, all valid together, so compression of a page that reflects attacker input next
 * to the token leaks nothing (BREACH). The response also gets the `csrftoken` cookie
 * (see {@link takeCsrfCookie}) so a SPA can read a token from `document.cookie`.
 *
 * @example
 * ```ts
 * app.get('/form', async (c) =>
 *   c.html(`<input type="hidden" name="csrfmiddlewaretoken" value="${await getCsrfToken(c.var.session)}">`),
 * )
 * ```
 */
export async function getCsrfToken(session: Session): Promise<string> {
  let secret = await csrfSecretOf(session)
  if (secret === undefined || !(await secretInSession(session))) {
    secret ??= createCsrfSecret()
    // Worth storing (stored already, or data or a user set in this request): the secret
    // moves in — the cookie's one, if this browser had one, so its tokens keep working.
    if (await secretBelongsInSession(session)) await keepInSession(session, secret)
    else holdInCookie(session, secret)
  }
  setRequestSlot(session, PENDING_COOKIE, maskCsrfSecret(secret))
  return maskCsrfSecret(secret)
}

/**
 * Replaces the session's CSRF secret, so every token issued before is refused —
 * Django's `rotate_token()`. Login calls it: a token an attacker obtained before the
 * victim logged in (login CSRF, token fixation) must not work after, and the new secret
 * goes into the now stored session. The response gets the new `csrftoken` cookie.
 *
 * @example
 * ```ts
 * await session.cycleKey()
 * await session.setUser(user.id)
 * await rotateCsrfToken(session)
 * ```
 */
export async function rotateCsrfToken(session: Session): Promise<void> {
  const secret = createCsrfSecret()
  if (await secretBelongsInSession(session)) await keepInSession(session, secret)
  else holdInCookie(session, secret)
  setRequestSlot(session, PENDING_COOKIE, maskCsrfSecret(secret))
}

/**
 * The masked token to send in the `csrftoken` cookie when {@link getCsrfToken} or
 * {@link rotateCsrfToken} ran during this request, else `undefined`. Returns it once:
 * adapters call it after the handler and set the cookie. The cookie is a convenience
 * for scripts; it is never trusted when checking a request.
 *
 * @example
 * ```ts
 * const token = takeCsrfCookie(session)
 * if (token) response.headers.append('set-cookie', csrfCookie(token, secure, options))
 * ```
 */
export function takeCsrfCookie(session: Session): string | undefined {
  const token = requestSlot<string>(session, PENDING_COOKIE)
  setRequestSlot(session, PENDING_COOKIE, undefined)
  return token
}
