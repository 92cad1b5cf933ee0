import {
  bodyTooLargeResponse,
  type CsrfOptions,
  checkCsrf,
  csrfFailureResponse,
  isFormContentType,
  pendingCsrfCookie,
  readFormField,
  requestViewOf,
  resolveBodyLimit,
  resolveCsrfOptions,
  type Session,
  shouldCommit,
  writeSessionHeaders,
} from '@tessera/core'
import type { MiddlewareHandler } from 'hono'
import { editResponseHeaders } from './lib/edit-response-headers.js'
import type { SessionEnv } from './session-middleware.js'

/** Options of {@link csrf}: the core {@link CsrfOptions} plus how to detect HTTPS. */
export interface CsrfMiddlewareOptions extends CsrfOptions {
  /**
   * Deprecated: `session()`'s `trustProxy` decides whether the request was HTTPS (the
   * Referer check, the expected Origin's scheme), and `csrf()` reads it. Still accepted;
   * when given it must equal `session()`'s, or every request throws `ConfigError`.
   * @default session()'s
   */
  trustProxy?: boolean
  /**
   * Most bytes of a form body (`application/x-www-form-urlencoded`,
   * `multipart/form-data`) read for the `csrfmiddlewaretoken` field on an unsafe
   * request. A larger one — by its `Content-Length`, or counted as it streams — is
   * answered `413 {"detail": …, "code": "BODY_TOO_LARGE"}` before the CSRF check and the
   * handler, and the rest is never read.
   * @default 65536 (64 KiB)
   */
  bodyLimit?: number
}

// RFC 9110 §9.2.1 safe methods: never checked, so their bodies are never read here.
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/**
 * Django's CSRF protection for Hono, bound to the session. Unsafe methods (anything but
 * GET, HEAD, OPTIONS, TRACE) must pass the Fetch Metadata, Origin and (on HTTPS) Referer
 * checks and carry a masked token — in the `X-CSRFToken` header or the
 * `csrfmiddlewaretoken` form field — that matches the session's secret. A refused
 * request gets `403 {"detail": "CSRF Failed: …", "code": "CSRF_…"}` and never reaches
 * the handler, so nothing in the session changes. After a handler that called
 * `getCsrfToken()` or `rotateCsrfToken()`, the response sets the readable `csrftoken`
 * cookie for SPAs. A form body over `bodyLimit` (64 KiB) gets `413` before any of that.
 *
 * Register it after `session()`. Options are checked here, at startup: a bad one
 * throws {@link ConfigError}. If `session()` is missing, every request throws a
 * `ConfigError` (`CONFIG_INVALID`), which Hono's error handler turns into a 500 — a
 * misconfigured app fails loudly rather than running unprotected.
 *
 * @example
 * ```ts
 * const app = new Hono<SessionEnv>()
 * app.use(session(manager))
 * app.use(csrf({ trustedOrigins: ['https://admin.example.com'] }))
 * app.get('/csrf', async (c) => c.json({ csrfToken: await getCsrfToken(c.var.session) }))
 * app.post('/profile', async (c) => c.json({ ok: true })) // protected
 * ```
 */
export function csrf(options: CsrfMiddlewareOptions = {}): MiddlewareHandler<SessionEnv> {
  const resolved = resolveCsrfOptions(options)
  const bodyLimit = resolveBodyLimit(options.bodyLimit)
  return async function tesseraCsrf(c, next) {
    const session = c.get('session') as Session | undefined
    const { secure } = requestViewOf(session, {
      consumer: 'csrf()',
      session: 'session()',
      trustProxy: options.trustProxy,
    })
    let bodyToken: string | undefined
    if (!SAFE_METHODS.has(c.req.raw.method)) {
      if (c.req.raw.bodyUsed) {
        // An earlier middleware read the body (and set its own limit); Hono cached it.
        if (isFormContentType(c.req.header('content-type'))) {
          const value = (await c.req.parseBody())[resolved.formField]
          bodyToken = typeof value === 'string' ? value : undefined
        }
      } else {
        // Read (bounded) before the check: an oversize form is refused for its size
        // alone, never parsed whole. A clone, so the handler can still read the body.
        const form = await readFormField(c.req.raw.clone(), resolved.formField, bodyLimit)
        if (form.tooLarge) return bodyTooLargeResponse()
        bodyToken = form.value
      }
    }
    const failure = await checkCsrf(
      {
        // The method on the wire; method-override headers and fields are never read.
        method: c.req.raw.method,
        url: c.req.url,
        headers: c.req.raw.headers,
        secure,
        bodyToken: async () => bodyToken,
      },
      session as Session,
      resolved,
    )
    if (failure) return csrfFailureResponse(failure)
    await next()
    if (c.error !== undefined || !shouldCommit(c.res.status)) return
    const csrfCookie = pendingCsrfCookie(session as Session, secure, resolved)
    if (csrfCookie === undefined) return
    editResponseHeaders(c, (headers) => writeSessionHeaders(headers, { csrfCookie }))
  }
}
