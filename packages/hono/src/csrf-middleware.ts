import {
  ConfigError,
  type CsrfOptions,
  checkCsrf,
  csrfFailureResponse,
  isSecureRequest,
  pendingCsrfCookie,
  resolveCsrfOptions,
  type Session,
  writeSessionHeaders,
} from '@tessera/core'
import type { Context, MiddlewareHandler } from 'hono'
import { editResponseHeaders } from './lib/edit-response-headers.js'
import type { SessionEnv } from './session-middleware.js'

/** Options of {@link csrf}: the core {@link CsrfOptions} plus how to detect HTTPS. */
export interface CsrfMiddlewareOptions extends CsrfOptions {
  /**
   * Believe `X-Forwarded-Proto` when deciding whether the request was HTTPS (which turns
   * on the Referer check and makes the expected Origin `https://…`). Set it to the same
   * value as `session()`'s, and only behind a proxy that overwrites that header.
   * @default false
   */
  trustProxy?: boolean
}

// Bodies a browser can send cross-site without a CORS preflight that carry form fields;
// only these are parsed for the token. JSON clients send the X-CSRFToken header.
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data'])

/**
 * Django's CSRF protection for Hono, bound to the session. Unsafe methods (anything but
 * GET, HEAD, OPTIONS, TRACE) must pass the Fetch Metadata, Origin and (on HTTPS) Referer
 * checks and carry a masked token — in the `X-CSRFToken` header or the
 * `csrfmiddlewaretoken` form field — that matches the session's secret. A refused
 * request gets `403 {"detail": "CSRF Failed: …", "code": "CSRF_…"}` and never reaches
 * the handler, so nothing in the session changes. After a handler that called
 * `getCsrfToken()` or `rotateCsrfToken()`, the response sets the readable `csrftoken`
 * cookie for SPAs.
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
  const trustProxy = options.trustProxy ?? false
  return async function tesseraCsrf(c, next) {
    const session = c.get('session') as Session | undefined
    if (!session) throw new ConfigError('csrf() needs session() registered before it')
    const secure = isSecureRequest(c.req.raw, trustProxy)
    const failure = await checkCsrf(
      {
        // The method on the wire; method-override headers and fields are never read.
        method: c.req.raw.method,
        url: c.req.url,
        headers: c.req.raw.headers,
        secure,
        bodyToken: () => formToken(c, resolved.formField),
      },
      session,
      resolved,
    )
    if (failure) return csrfFailureResponse(failure)
    await next()
    const csrfCookie = pendingCsrfCookie(session, secure, resolved)
    if (csrfCookie === undefined) return
    editResponseHeaders(c, (headers) => writeSessionHeaders(headers, { csrfCookie }))
  }
}

async function formToken(c: Context, field: string): Promise<string | undefined> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type === undefined || !FORM_TYPES.has(type)) return undefined
  // Hono caches the parsed body, so the handler can still read it.
  const body = await c.req.parseBody()
  const value = body[field]
  return typeof value === 'string' ? value : undefined
}
