import { isToken, readValue, scanCookiePairs } from './lib/cookie-grammar.js'

// The last name that passed the token check.
let checkedName: string | undefined

/**
 * Reads one cookie from a `Cookie` request header without parsing the rest.
 *
 * Same answer as `parseCookieHeader(header).get(name)` for every input — same SP/HTAB
 * trimming, DQUOTE removal, raw (undecoded) value, first occurrence wins, same
 * 256-pair and 64 KiB bounds — but it allocates nothing except the returned value,
 * since it runs on every request. See `parseCookieHeader` for why each rule is
 * what it is.
 *
 * Never throws. The value is untrusted input: validate it before use.
 *
 * @param header - The `Cookie` header value, or `null`/`undefined` when absent.
 * @param name - The exact, case-sensitive cookie name (RFC 6265 names are
 *   case-sensitive). A name that is not an RFC 7230 token never matches.
 * @returns The raw value of the first cookie called `name`, or `undefined`.
 * @example
 * ```ts
 * const sid = getCookie(request.headers.get('cookie'), '__Host-sid')
 * if (sid === undefined) return anonymous()
 * ```
 */
export function getCookie(header: string | null | undefined, name: string): string | undefined {
  if (typeof header !== 'string' || typeof name !== 'string') return undefined
  // Callers ask for the same configured name on every request: checked once.
  if (name !== checkedName) {
    if (!isToken(name)) return undefined
    checkedName = name
  }
  const nameLength = name.length
  let value: string | undefined
  // A name equal to `name` is a token, so "is it ours" replaces the reader's "is it a token".
  scanCookiePairs(header, (input, nameStart, nameEnd, valueStart, valueEnd) => {
    if (nameEnd - nameStart !== nameLength || !input.startsWith(name, nameStart)) return false
    value = readValue(input, valueStart, valueEnd)
    return true
  })
  return value
}
