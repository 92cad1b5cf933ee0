import { ArgumentError } from '../errors.js'

const BASE = 'http://safe.invalid'
const MAX_LENGTH = 2048
// Percent-decoding layers we look through; a value still changing after this many is
// refused, since no legitimate path is encoded four times over.
const MAX_DECODE_LAYERS = 4

// Characters no redirect path needs and that parsers treat inconsistently: C0 controls,
// DEL and C1 (Cc) — the WHATWG URL parser deletes TAB, LF and CR anywhere, so
// `/\t/evil.com` becomes `//evil.com`; format characters such as bidi overrides,
// zero-width spaces and the BOM (Cf); lone surrogates (Cs); and every whitespace.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\s]/u

const utf8 = new TextDecoder() // not fatal: invalid UTF-8 becomes U+FFFD, never an exception

/**
 * Returns `next` when it is a same-origin path safe to put in a `Location` header,
 * otherwise `fallback`. Use it for every `next`/`redirect`/`returnTo` parameter.
 *
 * `next` is kept only when all of these hold, else `fallback` is returned:
 * - it is a string of 1 to 2048 characters;
 * - it starts with exactly one `/` — not `//` (scheme-relative, `//evil.com`), not
 *   `/\` (browsers read `\` as `/` in http(s) URLs, WHATWG URL "special" schemes) —
 *   so `https:evil.com`, `javascript:…`, `data:…` and `evil.com` are all refused;
 * - it has no `\` anywhere, and no control character, format character (bidi
 *   override, zero-width space, BOM), lone surrogate or whitespace anywhere: the URL
 *   parser silently deletes TAB/LF/CR, turning `/\t/evil.com` into `//evil.com`;
 * - the same holds after NFKC normalisation, so full-width and small-form solidi
 *   (`／`, `＼`, `﹨`) cannot turn into `//` or `\` in a layer that normalises;
 * - percent-decoding it (up to four times, for servers and proxies that decode
 *   again) never puts `/`, `\`, a control character or whitespace right after the
 *   leading `/`: `/%2F/evil.com`, `/%5C/evil.com`, `/%09/evil.com`, `/%252F/evil.com`;
 * - `new URL(next, 'http://safe.invalid')` keeps the origin `http://safe.invalid`, and
 *   the normalised result passes every rule above again — dot segments can collapse
 *   `/..//evil.com` or `/%2e%2e//evil.com` into `//evil.com`.
 *
 * The result is the normalised `pathname + search + hash` of that URL: ASCII only
 * (non-ASCII is percent-encoded), with no CR or LF, so it is safe as a header value.
 *
 * The reference is Django's `url_has_allowed_host_and_scheme` (django/utils/http.py)
 * and its bad-URL list in tests/utils_tests/test_http.py. Django also allows absolute
 * URLs to allowed hosts; this function is stricter and allows same-origin paths only.
 *
 * Never throws for any `next`.
 *
 * @param next - The untrusted value, usually a query or form parameter.
 * @param fallback - Where to go instead; it must itself pass these rules.
 * @returns A safe same-origin path: `next` normalised, or `fallback` normalised.
 * @throws ArgumentError when `fallback` is not a safe same-origin path (a programming error).
 * @example
 * ```ts
 * const next = safeRedirectPath(new URL(request.url).searchParams.get('next'), '/account')
 * return new Response(null, { status: 303, headers: { Location: next } })
 * ```
 */
export function safeRedirectPath(next: unknown, fallback = '/'): string {
  const safeFallback = toSafePath(fallback)
  if (safeFallback === undefined) {
    throw new ArgumentError('safeRedirectPath: fallback must be a same-origin path such as "/"')
  }
  return toSafePath(next) ?? safeFallback
}

function toSafePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) {
    return undefined
  }
  if (!isSafePath(value)) return undefined
  let url: URL
  try {
    url = new URL(value, BASE)
  } catch {
    return undefined
  }
  if (url.origin !== BASE) return undefined
  const path = url.pathname + url.search + url.hash
  // Check the normalised form too: dot-segment removal can create a leading `//`.
  if (path.length > MAX_LENGTH || !isSafePath(path)) return undefined
  return path
}

function isSafePath(path: string): boolean {
  return hasSafeShape(path) && hasSafeShape(path.normalize('NFKC')) && decodesSafely(path)
}

function hasSafeShape(path: string): boolean {
  return path[0] === '/' && path[1] !== '/' && !path.includes('\\') && !FORBIDDEN.test(path)
}

function decodesSafely(path: string): boolean {
  let current = path
  for (let layer = 0; layer < MAX_DECODE_LAYERS; layer++) {
    const decoded = percentDecode(current)
    if (decoded === current) return true
    if (!startsSafely(decoded) || !startsSafely(decoded.normalize('NFKC'))) return false
    current = decoded
  }
  return false
}

// The first path segment must not begin with what a decoding server or browser could
// read as a second slash (`//host`, `/\host`) or strip (TAB, LF, CR, controls).
function startsSafely(path: string): boolean {
  if (path[0] !== '/') return false
  const second = path.codePointAt(1)
  if (second === undefined) return true
  const char = String.fromCodePoint(second)
  return char !== '/' && char !== '\\' && !FORBIDDEN.test(char)
}

// Decodes every run of `%XX` escapes as UTF-8; malformed escapes are left as they are.
function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3)
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16)
    }
    return utf8.decode(bytes)
  })
}
