import { type CookieAttributes, serializeCookie } from '../cookie/index.js'
import { ConfigError, CookieError } from '../errors.js'
import type { CsrfRequest } from './csrf-request.js'

/**
 * Options of the CSRF check (Django's `CSRF_*` settings, with `CSRF_USE_SESSIONS` always
 * on); validated once by {@link resolveCsrfOptions}.
 *
 * @example
 * ```ts
 * const options: CsrfOptions = {
 *   trustedOrigins: ['https://admin.example.com'],
 *   exempt: (request) => new URL(request.url).pathname.startsWith('/webhooks/'),
 * }
 * ```
 */
export interface CsrfOptions {
  /**
   * Other origins allowed to send unsafe requests besides the request's own origin
   * (Django's `CSRF_TRUSTED_ORIGINS`). Each entry is an exact origin as browsers send it
   * in `Origin`: `scheme://host[:port]`, lowercase, no default port, no path, no
   * trailing slash. Wildcards are refused: one subdomain taken over would otherwise
   * vouch for all of them.
   * @default []
   */
  trustedOrigins?: readonly string[]
  /**
   * Request header that carries the masked token (Django's `CSRF_HEADER_NAME`).
   * @default 'X-CSRFToken'
   */
  headerName?: string
  /**
   * Form field that carries the masked token in `application/x-www-form-urlencoded` and
   * `multipart/form-data` bodies.
   * @default 'csrfmiddlewaretoken'
   */
  formField?: string
  /** The `csrftoken` cookie, a copy of a masked token for scripts to read. */
  cookie?: CsrfCookieOptions
  /**
   * Requests for which the whole check is skipped, like Django's `@csrf_exempt` (e.g.
   * webhooks authenticated by a signature). It sees the method, URL and headers; it
   * must not read the body. A function that throws is a bug and fails the request.
   * @default () => false
   */
  exempt?: (request: CsrfRequest) => boolean
  /**
   * Let requests authenticated by a valid header token (`X-Session-Token`, as in
   * django-session-token) through without a CSRF token or Origin check: browsers never
   * add that header to a cross-site request by themselves. A bogus or dead token never
   * skips the check. Turn off only if header tokens are exposed to third-party scripts.
   * @default true
   */
  sessionTokenExempt?: boolean
}

/** Options of the `csrftoken` cookie. It is never HttpOnly; see {@link CsrfOptions}. */
export interface CsrfCookieOptions {
  /** @default 'csrftoken' */
  name?: string
  /** @default '/' */
  path?: string
  /** Leave unset (host-only) unless the token must be readable on subdomains. */
  domain?: string
  /**
   * `'auto'` marks the cookie Secure when the request came over HTTPS.
   * @default 'auto'
   */
  secure?: boolean | 'auto'
  /** @default 'Lax' */
  sameSite?: CookieAttributes['sameSite']
  /**
   * Lifetime of the cookie in seconds (`Max-Age`, with a matching `Expires`), Django's
   * `CSRF_COOKIE_AGE`: a page left open for days still finds a token to send. `null`
   * makes it a browser-session cookie. The token stays valid only as long as the
   * session it is bound to, whatever the cookie's lifetime.
   * @default 31449600 (52 weeks, Django's default)
   */
  maxAge?: number | null
}

/**
 * {@link CsrfOptions} after validation, with every default filled in. Build it with
 * {@link resolveCsrfOptions}; do not construct it by hand.
 *
 * @example
 * ```ts
 * const resolved: ResolvedCsrfOptions = resolveCsrfOptions({})
 * resolved.headerName // 'X-CSRFToken'
 * ```
 */
export interface ResolvedCsrfOptions {
  readonly trustedOrigins: ReadonlySet<string>
  readonly headerName: string
  /** `headerName` in lower case, as Node's parsed header records key it: the check reads the header by it. */
  readonly headerKey: string
  readonly formField: string
  readonly cookie: {
    readonly name: string
    readonly secure: boolean | 'auto'
    /** Attributes other than `secure`; `httpOnly` is always `false`. */
    readonly attributes: Readonly<Omit<CookieAttributes, 'secure'>>
    /** Seconds the cookie lives (`Max-Age` and `Expires`); null: a browser-session cookie. */
    readonly maxAge: number | null
  }
  readonly exempt: ((request: CsrfRequest) => boolean) | undefined
  readonly sessionTokenExempt: boolean
}

// RFC 9110 §5.6.2 token: what a header field name may be.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const SAMPLE_TOKEN = 'A'.repeat(64)
const MAX_ECHO = 100
// Django's CSRF_COOKIE_AGE: 60 * 60 * 24 * 7 * 52 seconds.
const CSRF_COOKIE_AGE = 31_449_600

/**
 * Validates {@link CsrfOptions} once, at setup, and fills in the defaults. Every
 * mistake throws {@link ConfigError} with a message naming the option (and, for
 * `trustedOrigins`, the index of the bad entry); a request never meets a bad option.
 *
 * @throws {@link ConfigError} `CONFIG_INVALID`.
 * @example
 * ```ts
 * const options = resolveCsrfOptions({ trustedOrigins: ['https://admin.example.com'] })
 * const failure = await checkCsrf(csrfRequest, session, options)
 * ```
 */
export function resolveCsrfOptions(options: CsrfOptions = {}): ResolvedCsrfOptions {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('CSRF options must be an object')
  }
  const trusted = options.trustedOrigins ?? []
  if (!Array.isArray(trusted)) {
    throw new ConfigError('trustedOrigins must be an array of origins like "https://example.com"')
  }
  const trustedOrigins = new Set<string>()
  for (const [i, entry] of trusted.entries()) {
    if (!isExactOrigin(entry)) {
      const shown =
        typeof entry === 'string' ? JSON.stringify(entry.slice(0, MAX_ECHO)) : typeof entry
      throw new ConfigError(
        `trustedOrigins[${i}] must be an exact origin "scheme://host[:port]" as browsers send it (http or https, lowercase, no default port, path, wildcard or trailing slash), got ${shown}`,
      )
    }
    trustedOrigins.add(entry)
  }

  const headerName = options.headerName ?? 'X-CSRFToken'
  if (typeof headerName !== 'string' || !TOKEN.test(headerName)) {
    throw new ConfigError('headerName must be an HTTP header name (an RFC 9110 token)')
  }
  const formField = options.formField ?? 'csrfmiddlewaretoken'
  if (typeof formField !== 'string' || formField.length === 0) {
    throw new ConfigError('formField must be a non-empty string')
  }
  if (options.exempt !== undefined && typeof options.exempt !== 'function') {
    throw new ConfigError('exempt must be a function (request) => boolean')
  }

  const c = options.cookie ?? {}
  if (c === null || typeof c !== 'object') throw new ConfigError('cookie must be an object')
  const name = c.name ?? 'csrftoken'
  const secure = c.secure ?? 'auto'
  if (secure !== true && secure !== false && secure !== 'auto') {
    throw new ConfigError(`cookie.secure must be true, false or 'auto'`)
  }
  // Never HttpOnly: the cookie exists so that a SPA's script can copy it into the
  // X-CSRFToken header (Django's CSRF_COOKIE_HTTPONLY is False by default for the same
  // reason). It grants nothing: an attacker who can plant it still lacks the session's
  // secret, and one who can read it already runs script on the origin.
  const attributes: Omit<CookieAttributes, 'secure'> = {
    path: c.path ?? '/',
    httpOnly: false,
    sameSite: c.sameSite ?? 'Lax',
  }
  if (c.domain !== undefined) attributes.domain = c.domain
  const maxAge = c.maxAge === undefined ? CSRF_COOKIE_AGE : c.maxAge
  if (maxAge !== null && (!Number.isSafeInteger(maxAge) || maxAge < 1)) {
    throw new ConfigError('cookie.maxAge must be a whole number of seconds of at least 1, or null')
  }
  // Serialise once now so a bad name, attribute or prefix fails at startup, not on a request.
  for (const s of secure === 'auto' ? [true, false] : [secure]) {
    try {
      serializeCookie(name, SAMPLE_TOKEN, { ...attributes, secure: s })
    } catch (e) {
      if (!(e instanceof CookieError)) throw e
      const hint = secure === 'auto' && !s ? ' (cookie.secure is "auto": set it to true)' : ''
      throw new ConfigError(`Invalid CSRF cookie options: ${e.message}${hint}`)
    }
  }

  return Object.freeze({
    trustedOrigins,
    headerName,
    headerKey: headerName.toLowerCase(),
    formField,
    cookie: Object.freeze({ name, secure, attributes: Object.freeze(attributes), maxAge }),
    exempt: options.exempt,
    sessionTokenExempt: options.sessionTokenExempt ?? true,
  })
}

// An entry must equal its own serialised origin (`new URL(entry).origin`), which rules
// out paths, queries, fragments, userinfo, trailing slashes, uppercase, default ports
// and IDNs not in punycode — every form in which an exact string comparison against the
// browser's Origin header would silently never match. Only http(s): other schemes
// serialise to the opaque origin "null", which must never be trusted.
function isExactOrigin(entry: unknown): entry is string {
  if (typeof entry !== 'string' || entry.includes('*')) return false
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    return false
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry
}
