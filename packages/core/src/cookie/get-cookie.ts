import {
  isToken,
  MAX_COOKIE_HEADER_LENGTH,
  MAX_COOKIE_PAIRS,
  readValue,
} from './parse-cookie-header.js'

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
  if (typeof header !== 'string' || typeof name !== 'string' || !isToken(name)) return undefined
  const input =
    header.length > MAX_COOKIE_HEADER_LENGTH
      ? header.slice(0, MAX_COOKIE_HEADER_LENGTH + 1)
      : header
  const nameLength = name.length
  // The loop mirrors parseCookieHeader's step for step (the property tests hold the two
  // together); it only replaces "is the name a token, then insert" with "is the name
  // ours" — a name equal to a token is a token.
  let eq = input.indexOf('=')
  let pos = 0
  for (let pairs = 0; pairs < MAX_COOKIE_PAIRS && eq !== -1; pairs++) {
    let end = input.indexOf(';', pos)
    if (end === -1) end = input.length
    if (end > MAX_COOKIE_HEADER_LENGTH) break
    if (eq < pos) {
      eq = input.indexOf('=', pos)
      if (eq === -1) break
    }
    if (eq < end) {
      let nameStart = pos
      let nameEnd = eq
      while (nameStart < nameEnd && isWsp(input.charCodeAt(nameStart))) nameStart++
      while (nameEnd > nameStart && isWsp(input.charCodeAt(nameEnd - 1))) nameEnd--
      if (nameEnd - nameStart === nameLength && input.startsWith(name, nameStart)) {
        return readValue(input, eq + 1, end)
      }
    }
    pos = end + 1
    if (pos > input.length) break
  }
  return undefined
}

// SP and HTAB only, never Unicode spaces; see parseCookieHeader.
const isWsp = (c: number): boolean => c === 0x20 || c === 0x09
