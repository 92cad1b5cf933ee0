import type { Session } from '../session/session.js'
import { csrfCookie } from './csrf-cookie.js'
import type { ResolvedCsrfOptions } from './csrf-options.js'
import { takeCsrfCookie } from './csrf-session.js'

/**
 * The `Set-Cookie` value of the readable `csrftoken` cookie when the handler called
 * `getCsrfToken()` or `rotateCsrfToken()` in this request, else `undefined`:
 * {@link takeCsrfCookie} and {@link csrfCookie} in one. Taking it clears it, so call it
 * once, after the handler. Pass it to `writeSessionHeaders`, which also marks the
 * response `no-store`.
 *
 * @param secure - Whether the request came over HTTPS (for `cookie.secure: 'auto'`).
 * @example
 * ```ts
 * writeSessionHeaders(response.headers, { csrfCookie: pendingCsrfCookie(session, secure, options) })
 * ```
 */
export function pendingCsrfCookie(
  session: Session,
  secure: boolean,
  options: ResolvedCsrfOptions,
): string | undefined {
  const token = takeCsrfCookie(session)
  return token === undefined ? undefined : csrfCookie(token, secure, options)
}
