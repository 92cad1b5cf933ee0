import { serializeCookie } from '../cookie/index.js'
import type { ResolvedCsrfOptions } from './csrf-options.js'

/**
 * The `Set-Cookie` value for the `csrftoken` cookie: by default
 * `csrftoken=<masked token>; Path=/; SameSite=Lax`, plus `Secure` on HTTPS. Never
 * `HttpOnly`: scripts read it to fill the `X-CSRFToken` header. No `Max-Age`: the token
 * is only as good as the session it is bound to, so a browser-session cookie is enough,
 * and a fresh one comes with every {@link getCsrfToken}. The options were validated by
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
  const { name, attributes } = options.cookie
  const isSecure = options.cookie.secure === 'auto' ? secure : options.cookie.secure
  return serializeCookie(name, token, { ...attributes, secure: isSecure })
}
