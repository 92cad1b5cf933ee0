// The grammar both cookie readers share, and the one loop that walks a header's pairs,
// so getCookie and parseCookieHeader cannot drift apart.

/**
 * The most `;`-separated segments of a `Cookie` header Tessera examines. Later
 * segments are ignored. Browsers keep at most ~180 cookies per site, so a real header
 * never reaches this; it exists so a hostile header costs bounded work.
 *
 * @example
 * ```ts
 * parseCookieHeader(header).size <= MAX_COOKIE_PAIRS // always true (256)
 * ```
 */
export const MAX_COOKIE_PAIRS = 256

/**
 * The most characters of a `Cookie` header Tessera examines (64 KiB). Anything past
 * this is ignored, and a pair that straddles the limit is dropped rather than
 * truncated: a truncated credential would be a different credential.
 *
 * @example
 * ```ts
 * getCookie(`a=1; b=${'x'.repeat(MAX_COOKIE_HEADER_LENGTH)}`, 'b') // undefined: straddles 64 KiB
 * ```
 */
export const MAX_COOKIE_HEADER_LENGTH = 65_536

// tchar from RFC 7230 §3.2.6, indexed by char code (1 = allowed). A lookup table keeps
// the check branch-free on the hot path of every request.
const TCHAR = new Uint8Array(128)
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1

/**
 * Whether `text.slice(start, end)` is a non-empty RFC 7230 token (the grammar of a
 * cookie name, RFC 6265 §4.1.1). Checks in place so the parser allocates nothing for
 * pairs it rejects.
 *
 * @internal Shared by the cookie module; not re-exported from the package.
 * @example
 * ```ts
 * isToken('__Host-sid') // true
 * isToken('\u00a0__Host-sid') // false
 * ```
 */
export function isToken(text: string, start = 0, end: number = text.length): boolean {
  if (end <= start) return false
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c > 0x7f || TCHAR[c] === 0) return false
  }
  return true
}

// Only SP and HTAB are trimmed (RFC 6265 §5.2 / RFC 7230 OWS). Trimming Unicode spaces
// as String.prototype.trim does would let "\u00a0__Host-sid" — which any cookie jar
// stores as a distinct, unprefixed cookie a sibling domain can plant — pass for
// "__Host-sid" and defeat the prefix.
export const isWsp = (c: number): boolean => c === 0x20 || c === 0x09

/**
 * The value between `start` and `end`, SP/HTAB-trimmed and with one pair of
 * surrounding DQUOTEs removed (RFC 6265 §4.1.1 cookie-value).
 *
 * @internal Shared by both cookie readers so they read values identically.
 * @example
 * ```ts
 * readValue('a= "x" ', 2, 7) // 'x'
 * ```
 */
export function readValue(input: string, start: number, end: number): string {
  while (start < end && isWsp(input.charCodeAt(start))) start++
  while (end > start && isWsp(input.charCodeAt(end - 1))) end--
  if (end - start >= 2 && input.charCodeAt(start) === 0x22 && input.charCodeAt(end - 1) === 0x22) {
    start++
    end--
  }
  return input.slice(start, end)
}

/**
 * Walks the `name=value` pairs of a `Cookie` header within the bounds
 * ({@link MAX_COOKIE_PAIRS} segments, {@link MAX_COOKIE_HEADER_LENGTH} characters),
 * calling `visit` with the SP/HTAB-trimmed name span and the raw value span of each
 * pair that has a `=`. `visit` returns `true` to stop. Pairs without `=` are skipped;
 * a pair straddling the length limit is dropped, not truncated.
 *
 * @internal The single loop behind `getCookie` and `parseCookieHeader`.
 * @example
 * ```ts
 * scanCookiePairs('a=1; b=2', (input, ns, ne, vs, ve) => (console.log(input.slice(ns, ne)), false))
 * ```
 */
export function scanCookiePairs(
  header: string,
  visit: (
    input: string,
    nameStart: number,
    nameEnd: number,
    valueStart: number,
    valueEnd: number,
  ) => boolean,
): void {
  // A slice of one character past the limit is enough to tell whether the last pair
  // ends inside it; V8 makes it a view, so a huge header is never scanned in full.
  const input =
    header.length > MAX_COOKIE_HEADER_LENGTH
      ? header.slice(0, MAX_COOKIE_HEADER_LENGTH + 1)
      : header
  // The position of the next `=` is remembered across pairs so a header of many pairs
  // without `=` costs one scan, not one per pair.
  let eq = input.indexOf('=')
  let pos = 0
  for (let pairs = 0; pairs < MAX_COOKIE_PAIRS && eq !== -1; pairs++) {
    let end = input.indexOf(';', pos)
    if (end === -1) end = input.length
    if (end > MAX_COOKIE_HEADER_LENGTH) return
    if (eq < pos) {
      eq = input.indexOf('=', pos)
      if (eq === -1) return
    }
    if (eq < end) {
      let nameStart = pos
      let nameEnd = eq
      while (nameStart < nameEnd && isWsp(input.charCodeAt(nameStart))) nameStart++
      while (nameEnd > nameStart && isWsp(input.charCodeAt(nameEnd - 1))) nameEnd--
      if (visit(input, nameStart, nameEnd, eq + 1, end)) return
    }
    pos = end + 1
    if (pos > input.length) return
  }
}
