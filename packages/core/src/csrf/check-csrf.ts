import { urlOriginPart } from '../http/url-origin-part.js'
import { constantTimeEqual } from '../lib/constant-time-equal.js'
import type { Session } from '../session/session.js'
import { operationsOf } from '../session/session-operations.js'
import type { CsrfFailure, CsrfFailureCode } from './csrf-failure.js'
import type { ResolvedCsrfOptions } from './csrf-options.js'
import type { CsrfRequest } from './csrf-request.js'
import { csrfSecretOf } from './csrf-secret.js'
import {
  CSRF_SECRET_LENGTH,
  CSRF_TOKEN_LENGTH,
  isAlphanumeric,
  isCsrfSecret,
  maskedTokenMatches,
} from './csrf-token.js'

export type { CsrfRequest } from './csrf-request.js'

// RFC 9110 §9.2.1 safe methods, as Django lists them. Methods are case-sensitive
// (RFC 9110 §9.1) and fetch normalises only the standard ones, so "get" or "Get" from a
// raw socket is not GET and is checked. Any other method, known or not, is checked.
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

// Longest piece of a client header quoted back in a reason.
const MAX_ECHO = 100

/**
 * Django's `CsrfViewMiddleware.process_view`, with the secret bound to the stored
 * session (`CSRF_USE_SESSIONS`) or, before anything is stored, to the browser's signed
 * cookie (Django's default), and Fetch Metadata added. Returns `null` to let the request
 * through, or the reason to refuse it (answer it with {@link csrfFailureResponse}).
 * Cheap header checks come first; the session is read only at the token step.
 *
 * 1. Safe methods (GET, HEAD, OPTIONS, TRACE) pass. The real method counts:
 *    `X-HTTP-Method-Override` and `_method` are never read, or a cross-site form could
 *    POST while claiming to be a GET.
 * 2. `options.exempt(request)` passes.
 * 2a. With `sessionTokenExempt` (the default), a request authenticated by a valid header
 *    token (`X-Session-Token`, as in django-session-token) passes: a browser never
 *    attaches that header to a cross-site request on its own, so the header itself
 *    proves the request did not come from a forged form or link. A bogus or dead token
 *    does not pass: that request is the cookie request it is and goes through every
 *    check below.
 * 3. `Sec-Fetch-Site: cross-site` fails: the browser itself says another site started it.
 * 4. With `Origin`: it must equal the request's own origin or a trusted origin, as
 *    exact strings — `null` (sandboxed frames, `data:` pages), a look-alike
 *    (`https://app.example.com.evil.com`), another scheme (http vs https) or port fail.
 * 5. Without `Origin`, over HTTPS: `Referer` must be present, well-formed, https and of
 *    the own or a trusted origin (Django's strict Referer check: on HTTPS, a missing
 *    Referer cannot be blamed on a privacy proxy stripping it from plain HTTP; a
 *    man-in-the-middle on HTTP could otherwise forge requests to the HTTPS site).
 * 6. The token from the header, else from the form body (never the query string, which
 *    leaks through logs and Referer) must be 32 or 64 characters of `[a-zA-Z0-9]`
 *    and unmask to the secret, compared in constant time. The secret is the stored
 *    session's; only for a session not stored is it the one in the HttpOnly cookie
 *    signed with the manager's keys. The readable `csrftoken` cookie is never
 *    consulted, and a signed cookie never stands in for a stored session's secret: a
 *    subdomain or a man-in-the-middle can plant cookies (cookie tossing).
 *
 * Never throws on any request input. It can still reject with the session's
 * `StoreError` (store down) and with whatever `options.exempt` throws.
 *
 * @example
 * ```ts
 * const options = resolveCsrfOptions({ trustedOrigins: ['https://admin.example.com'] })
 * const failure = await checkCsrf(
 *   { method: request.method, url: request.url, headers: request.headers, secure: true },
 *   session,
 *   options,
 * )
 * if (failure) return csrfFailureResponse(failure)
 * ```
 */
export async function checkCsrf(
  request: CsrfRequest,
  session: Session,
  options: ResolvedCsrfOptions,
): Promise<CsrfFailure | null> {
  if (SAFE_METHODS.has(request.method)) return null
  if (options.exempt?.(request) === true) return null
  if (
    options.sessionTokenExempt &&
    operationsOf(session).carriesToken() &&
    (await session.authenticatedByToken())
  ) {
    return null
  }

  // Fetch Metadata (W3C): browsers set Sec-Fetch-Site and scripts cannot forge it.
  // Only cross-site is refused: same-site may be a sibling subdomain the Origin check
  // below still judges, and none is a user typing a URL or following a bookmark.
  if (headerOf(request, 'sec-fetch-site')?.trim().toLowerCase() === 'cross-site') {
    return fail(
      'CSRF_FETCH_METADATA',
      'Fetch metadata check failed - Sec-Fetch-Site is cross-site.',
    )
  }

  const own = ownOrigin(request)
  const origin = headerOf(request, 'origin')
  if (origin !== null) {
    // Exact comparison of serialised origins, never a prefix or suffix match, and
    // "null" (opaque origin) is never trusted.
    if (origin === 'null' || !isTrusted(origin, own, options)) {
      return fail(
        'CSRF_ORIGIN',
        `Origin checking failed - ${echo(origin)} does not match any trusted origins.`,
      )
    }
  } else if (request.secure) {
    const failure = checkReferer(headerOf(request, 'referer'), own, options)
    if (failure) return failure
  }

  // The session's secret, or for a session not stored the one in this browser's signed cookie.
  const secret = await csrfSecretOf(session)
  if (!isCsrfSecret(secret)) {
    // Django: "CSRF cookie not set." — no token was ever issued to this session or
    // browser, it was flushed (logout) since, or the signed cookie does not verify.
    return fail('CSRF_SESSION_TOKEN_MISSING', 'CSRF session token not set.')
  }

  let token = headerOf(request, options.headerKey)
  let fromBody = false
  if (token === null || token === '') {
    token = await readBodyToken(request)
    fromBody = true
  }
  if (token === null || token === '') return fail('CSRF_TOKEN_MISSING', 'CSRF token missing.')

  // Django's _check_token_format: both the masked form and, for compatibility with
  // tokens issued before masking existed, the bare 32-character secret.
  if (token.length !== CSRF_TOKEN_LENGTH && token.length !== CSRF_SECRET_LENGTH) {
    const source = tokenSource(options, fromBody)
    return fail('CSRF_TOKEN_MALFORMED', `CSRF token from ${source} has incorrect length.`)
  }
  if (!isAlphanumeric(token)) {
    const source = tokenSource(options, fromBody)
    return fail('CSRF_TOKEN_MALFORMED', `CSRF token from ${source} has invalid characters.`)
  }
  const matches =
    token.length === CSRF_TOKEN_LENGTH
      ? maskedTokenMatches(token, secret)
      : constantTimeEqual(token, secret)
  if (!matches) {
    return fail('CSRF_TOKEN_INCORRECT', 'CSRF token incorrect.')
  }
  return null
}

/** Where the token was read, for a failure's reason. */
function tokenSource(options: ResolvedCsrfOptions, fromBody: boolean): string {
  return fromBody
    ? `the '${options.formField}' form field`
    : `the '${options.headerName}' HTTP header`
}

/** One header of `request`, through its `header` when it has one; `null` when absent. */
function headerOf(request: CsrfRequest, name: string): string | null {
  return request.header ? (request.header(name) ?? null) : request.headers.get(name)
}

function fail(code: CsrfFailureCode, reason: string): CsrfFailure {
  return { code, reason }
}

function echo(text: string): string {
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text
}

// The origin the browser would send for a same-origin request, built like Django's
// `'%s://%s' % ('https' if request.is_secure() else 'http', request.get_host())`: the
// scheme comes from `secure` (a TLS-terminating proxy forwards plain http), the host
// with its port from the URL.
function ownOrigin(request: CsrfRequest): string | undefined {
  const host = hostOf(request.url)
  return host === undefined ? undefined : `${request.secure ? 'https' : 'http'}://${host}`
}

// The last scheme and authority `hostOf` parsed, and the host it found there.
let lastOriginPart: string | undefined
let lastHost: string | undefined

/**
 * The WHATWG host of `url` (`new URL(url).host`), `undefined` when it has none or does
 * not parse. Nearly every request names the same host, so the answer for the last
 * `http://` or `https://` scheme and authority is kept: for those schemes the parser
 * reads the host from that part alone.
 */
function hostOf(url: string): string | undefined {
  const part = urlOriginPart(url)
  if (part === undefined) return parsedHost(url)
  if (part !== lastOriginPart) {
    lastHost = parsedHost(part)
    lastOriginPart = part
  }
  return lastHost
}

function parsedHost(url: string): string | undefined {
  try {
    const host = new URL(url).host
    return host === '' ? undefined : host
  } catch {
    return undefined
  }
}

function isTrusted(origin: string, own: string | undefined, options: ResolvedCsrfOptions): boolean {
  return origin === own || options.trustedOrigins.has(origin)
}

function checkReferer(
  referer: string | null,
  own: string | undefined,
  options: ResolvedCsrfOptions,
): CsrfFailure | null {
  if (referer === null) return fail('CSRF_REFERER', 'Referer checking failed - no Referer.')
  let url: URL
  try {
    url = new URL(referer)
  } catch {
    return fail('CSRF_REFERER', 'Referer checking failed - Referer is malformed.')
  }
  if (url.host === '') {
    return fail('CSRF_REFERER', 'Referer checking failed - Referer is malformed.')
  }
  if (url.protocol !== 'https:') {
    return fail(
      'CSRF_REFERER',
      'Referer checking failed - Referer is insecure while host is secure.',
    )
  }
  if (isTrusted(url.origin, own, options)) return null
  // Django quotes the whole Referer; only its origin is quoted here, since the path and
  // query of a page the user came from may hold things that should not be echoed.
  return fail(
    'CSRF_REFERER',
    `Referer checking failed - ${echo(url.origin)} does not match any trusted origins.`,
  )
}

async function readBodyToken(request: CsrfRequest): Promise<string | null> {
  if (!request.bodyToken) return null
  try {
    const value = await request.bodyToken()
    return typeof value === 'string' ? value : null
  } catch {
    // A malformed or truncated body is a request without a token, not a server error.
    return null
  }
}
