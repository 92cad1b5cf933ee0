import { serializeCookie } from '../cookie/index.js'
import type { ResolvedCsrfOptions } from './csrf-options.js'

/**
 * The `Set-Cookie` value for the `csrftoken` cookie: by default
 * `csrftoken=<masked token>; Max-Age=31449600; Expires=<a year on>; Path=/; SameSite=Lax`,
 * plus `Secure` on HTTPS. Never `HttpOnly`: scripts read it to fill the `X-CSRFToken`
 * header. It lives a year like Django's (`CSRF_COOKIE_AGE`, option `cookie.maxAge`,
 * `null` for a browser-session cookie) so a tab left open still has a token, but the
 * token is only as good as the session it is bound to. The options were validated by
 * {@link resolveCsrfOptions}, so this does not throw for a token from
 * {@link takeCsrfCookie}.
 *
 * @param token - A masked token, from {@link takeCsrfCookie}.
 * @param secure - Whether the request came over HTTPS (used when `cookie.secure` is `'auto'`).
 * @param options - The resolved CSRF options.
 * @example
 * ```ts
 * const token = takeCsrfCookie(session)
 * if (token) response.headers.append('set-cookie', csrfCookie(token, isHttps, options))
 * ```
 */
export function csrfCookie(token: string, secure: boolean, options: ResolvedCsrfOptions): string {
  const { name, attributes, maxAge } = options.cookie
  const isSecure = options.cookie.secure === 'auto' ? secure : options.cookie.secure
  // Expires as well as Max-Age, as Django sends them, for clients that only read Expires.
  const lifetime = maxAge === null ? {} : { maxAge, expires: new Date(Date.now() + maxAge * 1000) }
  return serializeCookie(name, token, { ...attributes, ...lifetime, secure: isSecure })
}
