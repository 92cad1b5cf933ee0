import { CookieError } from '../errors.js'
import type { CookieAttributes } from './cookie-attributes.js'
import { isToken } from './lib/cookie-grammar.js'

/**
 * The most bytes a cookie's name plus value may take. Browsers ignore a larger
 * cookie entirely (RFC 6265bis §5.6), so {@link serializeCookie} refuses it with
 * `COOKIE_TOO_LARGE` instead of letting the session silently vanish.
 *
 * @example
 * ```ts
 * if (name.length + value.length > MAX_COOKIE_SIZE) keepDataServerSide()
 * ```
 */
export const MAX_COOKIE_SIZE = 4096

// Browsers ignore an attribute whose value is longer than this (RFC 6265bis §5.6), which
// for Domain or Path means a cookie scoped differently than the application asked.
const MAX_ATTRIBUTE_VALUE_SIZE = 1024

/**
 * Serializes one cookie into a `Set-Cookie` header value.
 *
 * Attributes are emitted in this fixed order, each only when set: `Name=Value`,
 * `Max-Age`, `Domain`, `Path`, `Expires`, `HttpOnly`, `Secure`, `SameSite`,
 * `Partitioned`, `Priority`.
 *
 * It throws {@link CookieError} `COOKIE_INVALID` rather than emit anything that could
 * inject into the header or that browsers would reject:
 * - a name that is not an RFC 7230 token (RFC 6265 §4.1.1);
 * - a value outside RFC 6265 §4.1.1 `cookie-value`: cookie-octets (printable ASCII
 *   except SP, DQUOTE, `,`, `;`, `\`), optionally inside one DQUOTE pair — encode
 *   anything else (base64url) before calling;
 * - a Domain or Path that is empty, longer than 1024 bytes, or holds a control char,
 *   SP, `;` or non-ASCII (punycode IDNs first); a Path not starting with `/`, which
 *   browsers would replace with the request's default path (RFC 6265 §5.2.4);
 * - a `maxAge` that is not a non-negative safe integer; an `expires` that is not a
 *   valid `Date` in years 1601–9999 (RFC 6265 §5.1.1);
 * - `sameSite: 'None'` or `partitioned` without `secure` (RFC 6265bis §5.7; CHIPS);
 * - a `__Secure-` name without `secure`, or a `__Host-` name without `secure`,
 *   with a `domain`, or with a `path` other than `'/'` (RFC 6265bis §4.1.3). Prefixes
 *   are matched case-insensitively (`__secure-`, `__hOsT-`), as browsers do;
 * - options of the wrong runtime type (for JavaScript callers).
 *
 * and `COOKIE_TOO_LARGE` when name plus value exceed {@link MAX_COOKIE_SIZE} bytes.
 * Error messages name the cookie and the rule, never the value.
 *
 * @param name - Cookie name, an RFC 7230 token.
 * @param value - Cookie value, already encoded to cookie-octets.
 * @param attributes - Optional {@link CookieAttributes}.
 * @returns The `Set-Cookie` header value; it never contains CR, LF or NUL.
 * @throws {@link CookieError} `COOKIE_INVALID` or `COOKIE_TOO_LARGE`.
 * @example
 * ```ts
 * headers.append(
 *   'Set-Cookie',
 *   serializeCookie('__Host-sid', token, { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' }),
 * )
 * // "__Host-sid=<token>; Path=/; HttpOnly; Secure; SameSite=Lax"
 * ```
 */
export function serializeCookie(
  name: string,
  value: string,
  attributes?: CookieAttributes,
): string {
  if (typeof name !== 'string' || !isToken(name)) {
    // The name is not echoed: a caller that passed "sid=<token>" as the name would
    // otherwise have its credential written to the logs.
    throw invalid('Cookie name must be a non-empty RFC 7230 token (RFC 6265 §4.1.1)')
  }
  const label = `Cookie "${name.length > 64 ? `${name.slice(0, 64)}…` : name}"`
  if (typeof value !== 'string') throw invalid(`${label}: value must be a string`)
  // Length first: UTF-8 never takes fewer bytes than UTF-16 code units, so this is
  // exact for the ASCII that passes the checks below and a lower bound otherwise.
  if (name.length + value.length > MAX_COOKIE_SIZE) {
    throw new CookieError(
      'COOKIE_TOO_LARGE',
      `${label}: name and value take ${new TextEncoder().encode(name + value).length} bytes; browsers ignore cookies over ${MAX_COOKIE_SIZE} bytes (RFC 6265bis §5.6)`,
    )
  }
  if (!isCookieValue(value)) {
    throw invalid(
      `${label}: value holds a character outside RFC 6265 cookie-octet (§4.1.1); encode it first, e.g. as base64url`,
    )
  }
  if (attributes !== undefined && attributes !== null && typeof attributes !== 'object') {
    throw invalid(`${label}: attributes must be an object`)
  }
  // Read each attribute once: a getter cannot answer differently to the check and to
  // the serialization.
  const { maxAge, expires, domain, path, secure, httpOnly, sameSite, partitioned, priority } =
    attributes ?? {}
  const isSecure = flag(secure, 'secure', label)
  const isHttpOnly = flag(httpOnly, 'httpOnly', label)
  const isPartitioned = flag(partitioned, 'partitioned', label)

  let header = `${name}=${value}`
  if (maxAge !== undefined) {
    // RFC 6265 §4.1.1 allows only digits; Number.isSafeInteger also keeps out values
    // that String() would print as "1e+21", which browsers ignore (§5.2.2). Zero is the
    // conventional "expire now" (§5.2.2), so it is allowed; negatives are not.
    if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
      throw invalid(`${label}: maxAge must be a non-negative integer number of seconds`)
    }
    header += `; Max-Age=${maxAge}`
  }
  if (domain !== undefined) header += `; Domain=${attributeText(domain, 'domain', label)}`
  if (path !== undefined) {
    const text = attributeText(path, 'path', label)
    if (text.charCodeAt(0) !== 0x2f) throw invalid(`${label}: path must start with "/"`)
    header += `; Path=${text}`
  }
  if (expires !== undefined) header += `; Expires=${httpDate(expires, label)}`
  if (isHttpOnly) header += '; HttpOnly'
  if (isSecure) header += '; Secure'
  if (sameSite !== undefined) {
    if (sameSite !== 'Strict' && sameSite !== 'Lax' && sameSite !== 'None') {
      throw invalid(`${label}: sameSite must be 'Strict', 'Lax' or 'None'`)
    }
    // Browsers drop a SameSite=None cookie that is not Secure (RFC 6265bis §5.7).
    if (sameSite === 'None' && !isSecure) {
      throw invalid(`${label}: sameSite 'None' requires secure: true (RFC 6265bis §5.7)`)
    }
    header += `; SameSite=${sameSite}`
  }
  if (isPartitioned) {
    if (!isSecure) throw invalid(`${label}: partitioned requires secure: true (CHIPS)`)
    header += '; Partitioned'
  }
  if (priority !== undefined) {
    if (priority !== 'Low' && priority !== 'Medium' && priority !== 'High') {
      throw invalid(`${label}: priority must be 'Low', 'Medium' or 'High'`)
    }
    header += `; Priority=${priority}`
  }

  // RFC 6265bis §4.1.3 prefixes. Browsers match them case-insensitively (§5.4), so a
  // "__secure-" cookie set without Secure would be dropped, not stored unprotected.
  // The name is an ASCII token here, so toLowerCase cannot fold a look-alike
  // (e.g. U+212A KELVIN SIGN) into a prefix.
  const lower = name.slice(0, 9).toLowerCase()
  if (lower.startsWith('__secure-') && !isSecure) {
    throw invalid(`${label}: the __Secure- prefix requires secure: true (RFC 6265bis §4.1.3.1)`)
  }
  if (lower.startsWith('__host-')) {
    if (!isSecure) {
      throw invalid(`${label}: the __Host- prefix requires secure: true (RFC 6265bis §4.1.3.2)`)
    }
    if (domain !== undefined) {
      throw invalid(`${label}: the __Host- prefix forbids domain (RFC 6265bis §4.1.3.2)`)
    }
    if (path !== '/') {
      throw invalid(`${label}: the __Host- prefix requires path: '/' (RFC 6265bis §4.1.3.2)`)
    }
  }
  return header
}

const invalid = (message: string): CookieError => new CookieError('COOKIE_INVALID', message)

// cookie-octet (RFC 6265 §4.1.1): %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E, i.e.
// printable ASCII without SP, DQUOTE, comma, semicolon and backslash.
function isCookieOctet(c: number): boolean {
  return c >= 0x21 && c <= 0x7e && c !== 0x22 && c !== 0x2c && c !== 0x3b && c !== 0x5c
}

// cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
function isCookieValue(value: string): boolean {
  let start = 0
  let end = value.length
  if (end >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(end - 1) === 0x22) {
    start = 1
    end--
  }
  for (let i = start; i < end; i++) if (!isCookieOctet(value.charCodeAt(i))) return false
  return true
}

function flag(option: unknown, key: string, label: string): boolean {
  if (option === undefined) return false
  // A string "false" is truthy; refusing non-booleans keeps a security flag from
  // flipping on a typo in untyped code.
  if (typeof option !== 'boolean') throw invalid(`${label}: ${key} must be a boolean`)
  return option
}

// Domain and Path values: printable ASCII without SP or ";" (RFC 6265 §4.1.1 path-value
// excludes CTLs and ";"; a SP could never match a percent-encoded URL path nor a host,
// and browsers trim it), at most 1024 bytes (RFC 6265bis §5.6). The value is not echoed:
// a rejected one may hold CR/LF meant for the logs.
function attributeText(option: unknown, key: string, label: string): string {
  if (typeof option !== 'string' || option.length === 0) {
    throw invalid(`${label}: ${key} must be a non-empty string`)
  }
  if (option.length > MAX_ATTRIBUTE_VALUE_SIZE) {
    throw invalid(
      `${label}: ${key} is longer than ${MAX_ATTRIBUTE_VALUE_SIZE} bytes (RFC 6265bis §5.6)`,
    )
  }
  for (let i = 0; i < option.length; i++) {
    const c = option.charCodeAt(i)
    if (c <= 0x20 || c >= 0x7f || c === 0x3b) {
      throw invalid(
        `${label}: ${key} may hold only printable ASCII without spaces or ";" (RFC 6265 §4.1.1)`,
      )
    }
  }
  return option
}

// sane-cookie-date (RFC 6265 §4.1.1) from the time value itself, not the object's own
// methods, so a Date subclass or a spoofed object cannot smuggle text into the header.
function httpDate(option: unknown, label: string): string {
  let time: number
  try {
    time = Date.prototype.getTime.call(option)
  } catch {
    time = Number.NaN
  }
  if (Number.isNaN(time)) throw invalid(`${label}: expires must be a valid Date`)
  const date = new Date(time)
  // Browsers parse only 4-digit years from 1601 (RFC 6265 §5.1.1 step 5); outside that
  // the attribute is ignored and the cookie silently becomes a session cookie.
  const year = date.getUTCFullYear()
  if (year < 1601 || year > 9999) {
    throw invalid(`${label}: expires must fall in the years 1601 to 9999 (RFC 6265 §5.1.1)`)
  }
  return date.toUTCString()
}
