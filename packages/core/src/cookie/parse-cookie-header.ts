import { isToken, readValue, scanCookiePairs } from './lib/cookie-grammar.js'

export { MAX_COOKIE_HEADER_LENGTH, MAX_COOKIE_PAIRS } from './lib/cookie-grammar.js'

/**
 * Parses a `Cookie` request header into a map of name to raw value.
 *
 * Rules, in the order applied to each `;`-separated pair:
 * - SP and HTAB around the name and the value are trimmed; nothing else is.
 * - Pairs without `=`, with an empty name, or with a name that is not an RFC 7230
 *   token are skipped (RFC 6265bis "nameless" cookies are not addressable by name).
 * - One pair of surrounding DQUOTEs is removed from the value (RFC 6265 §4.1.1
 *   allows `"value"`).
 * - Values are returned raw, never percent-decoded: `decodeURIComponent` throws on
 *   malformed input (an exception on attacker bytes), and Tessera's own credentials
 *   are base64url, which needs no decoding. Callers that store encoded data decode it
 *   themselves, inside their own error handling.
 * - The first occurrence of a name wins. RFC 6265 §5.4 step 2 has browsers send
 *   cookies with longer paths first, then older ones first, so the first is the most
 *   specific; this bends §4.2.2 ("servers SHOULD NOT rely upon the serialization
 *   order") the way Django and the `cookie` package do.
 *
 * Bounded work on hostile input: at most {@link MAX_COOKIE_PAIRS} (256) segments and
 * the first {@link MAX_COOKIE_HEADER_LENGTH} (64 KiB) characters are examined.
 *
 * Never throws, whatever it is given. Values are untrusted input: validate before use.
 *
 * @param header - The `Cookie` header value, or `null`/`undefined` when absent.
 * @returns Names to raw values, in header order.
 * @example
 * ```ts
 * const cookies = parseCookieHeader('theme=dark; __Host-sid="abc"; theme=light')
 * cookies.get('theme') // 'dark' (first wins)
 * cookies.get('__Host-sid') // 'abc' (quotes removed)
 * ```
 */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  if (typeof header !== 'string') return cookies
  scanCookiePairs(header, (input, nameStart, nameEnd, valueStart, valueEnd) => {
    if (isToken(input, nameStart, nameEnd)) {
      const name = input.slice(nameStart, nameEnd)
      if (!cookies.has(name)) cookies.set(name, readValue(input, valueStart, valueEnd))
    }
    return false
  })
  return cookies
}
