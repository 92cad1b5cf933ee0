/**
 * Attributes of a `Set-Cookie` header, as `serializeCookie` and
 * `deleteCookie` accept them. Every field is optional; an absent field emits no
 * attribute. `serializeCookie` refuses combinations browsers would reject (see its
 * documentation) instead of emitting a cookie that silently never gets stored.
 *
 * @example
 * ```ts
 * const attributes: CookieAttributes = {
 *   path: '/',
 *   secure: true,
 *   httpOnly: true,
 *   sameSite: 'Lax',
 *   maxAge: 60 * 60 * 24 * 14,
 * }
 * serializeCookie('__Host-sid', token, attributes)
 * ```
 */
export interface CookieAttributes {
  /**
   * Lifetime in whole seconds (`Max-Age`, RFC 6265 §4.1.2.2); `0` expires the cookie
   * at once. Must be a non-negative safe integer. Browsers cap lifetimes at 400 days
   * (RFC 6265bis §5.6.2). Absent with `expires` absent: a cookie that ends with the
   * browser session.
   */
  maxAge?: number
  /**
   * Expiry instant (`Expires`, RFC 6265 §4.1.2.1), for clients that ignore `Max-Age`.
   * Must be a valid date in years 1601–9999, the range browsers parse (RFC 6265 §5.1.1).
   */
  expires?: Date
  /**
   * Hosts to send the cookie to besides the origin host (`Domain`, RFC 6265 §4.1.2.3).
   * Leave unset for a host-only cookie, which is safer: a domain cookie can be read and
   * overwritten by every subdomain.
   */
  domain?: string
  /** Path prefix the cookie is sent for (`Path`, RFC 6265 §4.1.2.4); must start with `/`. */
  path?: string
  /** Send only over HTTPS (`Secure`, RFC 6265 §4.1.2.5). */
  secure?: boolean
  /** Hide from `document.cookie` (`HttpOnly`, RFC 6265 §4.1.2.6). */
  httpOnly?: boolean
  /**
   * Cross-site sending policy (`SameSite`, RFC 6265bis §4.1.2.7). `'None'` requires
   * `secure: true`.
   */
  sameSite?: 'Strict' | 'Lax' | 'None'
  /**
   * Store the cookie in a jar keyed by the top-level site (`Partitioned`, CHIPS:
   * draft-cutler-httpbis-partitioned-cookies). Requires `secure: true`.
   */
  partitioned?: boolean
  /** Eviction priority (`Priority`, Chromium only: draft-west-cookie-priority). */
  priority?: 'Low' | 'Medium' | 'High'
}
