import {
  ConfigError,
  type CsrfOptions,
  checkCsrf,
  csrfFailureResponse,
  headersFromRecord,
  pendingCsrfCookie,
  resolveCsrfOptions,
  writeSessionHeaders,
} from '@tessera/core'
import type { Request, RequestHandler } from 'express-serve-static-core'
import { NodeHeaderWriter } from './lib/node-header-writer.js'
import { gateOf } from './lib/response-gate.js'
import { sendWebResponse } from './lib/send-web-response.js'

/** Options of {@link csrf}: the core {@link CsrfOptions}. HTTPS is decided by `session()`. */
export interface CsrfMiddlewareOptions extends CsrfOptions {}

// Bodies a browser can send cross-site without a CORS preflight that carry form fields;
// only these are read for the token. JSON clients send the X-CSRFToken header.
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data'])

/**
 * Django's CSRF protection for Express, bound to the session. Unsafe methods (anything
 * but GET, HEAD, OPTIONS, TRACE) must pass the Fetch Metadata, Origin and (on HTTPS)
 * Referer checks and carry a masked token — in the `X-CSRFToken` header or, when a body
 * parser such as `express.urlencoded()` already ran, the `csrfmiddlewaretoken` form field
 * — that matches the session's secret. A refused request gets
 * `403 {"detail": "CSRF Failed: …", "code": "CSRF_…"}` and never reaches the handler.
 * After a handler that called `getCsrfToken()` or `rotateCsrfToken()`, the response sets
 * the readable `csrftoken` cookie for SPAs.
 *
 * Register it after `session()`, which also decides whether the request was HTTPS (its
 * `trustProxy`). Bad options throw {@link ConfigError} here, at startup; without
 * `session()` every request fails with a `ConfigError` (a 500), never unprotected.
 *
 * @example
 * ```ts
 * app.use(session(manager))
 * app.use(express.urlencoded({ extended: false })) // optional: form tokens
 * app.use(csrf({ trustedOrigins: ['https://admin.example.com'] }))
 * app.get('/csrf', async (req, res) => { res.json({ csrfToken: await getCsrfToken(req.session) }) })
 * app.post('/profile', (req, res) => { res.json({ ok: true }) }) // protected
 * ```
 */
export function csrf(options: CsrfMiddlewareOptions = {}): RequestHandler {
  const resolved = resolveCsrfOptions(options)
  return async function tesseraCsrf(req, res, next) {
    const gate = gateOf(res)
    if (!gate) throw new ConfigError('csrf() needs session() registered before it')
    const { session, secure } = gate
    const failure = await checkCsrf(
      {
        // The method on the wire; method-override headers and fields are never read.
        method: req.method,
        url: `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${req.originalUrl}`,
        headers: headersFromRecord(req.headers),
        secure,
        bodyToken: async () => formToken(req, resolved.formField),
      },
      session,
      resolved,
    )
    if (failure) return sendWebResponse(res, csrfFailureResponse(failure))
    gate.beforeHeaders.push(() => {
      const csrfCookie = pendingCsrfCookie(session, secure, resolved)
      if (csrfCookie !== undefined) writeSessionHeaders(new NodeHeaderWriter(res), { csrfCookie })
    })
    next()
  }
}

/** The token from a form body a body parser already parsed; the stream is never read here. */
function formToken(req: Request, field: string): string | undefined {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (type === undefined || !FORM_TYPES.has(type)) return undefined
  const body: unknown = req.body
  if (typeof body !== 'object' || body === null) return undefined
  const value = (body as Record<string, unknown>)[field]
  return typeof value === 'string' ? value : undefined
}
