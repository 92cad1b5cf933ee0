import { CookieError } from '../errors.js'
import type { CookieAttributes } from './cookie-attributes.js'
import { serializeCookie } from './serialize-cookie.js'

/**
 * A `Set-Cookie` header value that removes a cookie: empty value, `Max-Age=0` and
 * `Expires=Thu, 01 Jan 1970 00:00:00 GMT` (the latter for clients that ignore
 * `Max-Age`; RFC 6265 §5.3 step 11 evicts a cookie whose expiry has passed).
 *
 * A browser only replaces the stored cookie whose name, Domain and Path all match
 * (RFC 6265 §5.3 step 11), so pass the same `domain` and `path` the cookie was set
 * with; a `__Host-` cookie needs `path: '/'` and `secure: true` again, since the
 * prefix rules apply to the deleting header too. A partitioned cookie needs
 * `partitioned: true` to reach its partition. All rules of `serializeCookie` apply;
 * any `maxAge` or `expires` given is replaced.
 *
 * @param name - The cookie's name.
 * @param attributes - The attributes the cookie was set with.
 * @returns The `Set-Cookie` header value.
 * @throws {@link CookieError} `COOKIE_INVALID` under the same rules as `serializeCookie`.
 * @example
 * ```ts
 * headers.append('Set-Cookie', deleteCookie('__Host-sid', { path: '/', secure: true }))
 * // "__Host-sid=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure"
 * ```
 */
export function deleteCookie(name: string, attributes?: CookieAttributes): string {
  if (attributes !== undefined && attributes !== null && typeof attributes !== 'object') {
    throw new CookieError('COOKIE_INVALID', 'Cookie attributes must be an object')
  }
  return serializeCookie(name, '', { ...attributes, maxAge: 0, expires: new Date(0) })
}
