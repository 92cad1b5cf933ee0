import { Readable } from 'node:stream'
import {
  bodyTooLargeResponse,
  ConfigError,
  type CsrfOptions,
  checkCsrf,
  csrfFailureResponse,
  headersFromRecord,
  isFormContentType,
  parsedFormField,
  pendingCsrfCookie,
  readFormField,
  resolveBodyLimit,
  resolveCsrfOptions,
  writeSessionHeaders,
} from '@tessera/core'
import type { Request, RequestHandler } from 'express-serve-static-core'
import { NodeHeaderWriter } from './lib/node-header-writer.js'
import { gateOf } from './lib/response-gate.js'
import { sendWebResponse } from './lib/send-web-response.js'

/** Options of {@link csrf}: the core {@link CsrfOptions}. HTTPS is decided by `session()`. */
export interface CsrfMiddlewareOptions extends CsrfOptions {
  /**
   * Most bytes of a form body (`application/x-www-form-urlencoded`,
   * `multipart/form-data`) that no body parser read yet, read here for the
   * `csrfmiddlewaretoken` field on an unsafe request. A larger one — by its
   * `Content-Length`, or counted as it streams — is answered
   * `413 {"detail": …, "code": "BODY_TOO_LARGE"}` with `Connection: close` before the
   * CSRF check and the handler, and the rest is never read. (A body parser registered
   * before `csrf()`, such as `express.urlencoded()`, applies its own `limit` instead.)
   * @default 65536 (64 KiB)
   */
  bodyLimit?: number
}

// RFC 9110 §9.2.1 safe methods: never checked, so their bodies are never read here.
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** A request a body parser already consumed (body-parser's own flag). */
type ParsedRequest = Request & { _body?: boolean }

/**
 * Django's CSRF protection for Express, bound to the session. Unsafe methods (anything
 * but GET, HEAD, OPTIONS, TRACE) must pass the Fetch Metadata, Origin and (on HTTPS)
 * Referer checks and carry a masked token — in the `X-CSRFToken` header or the
 * `csrfmiddlewaretoken` form field — that matches the session's secret. A form body no
 * body parser read yet is read here, up to `bodyLimit` (64 KiB; larger gets `413`), and
 * its token field left on `req.body`. A refused request gets
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
  const bodyLimit = resolveBodyLimit(options.bodyLimit)
  return async function tesseraCsrf(req, res, next) {
    const gate = gateOf(res)
    if (!gate) throw new ConfigError('csrf() needs session() registered before it')
    const { session, secure } = gate
    const headers = headersFromRecord(req.headers)
    if (!SAFE_METHODS.has(req.method) && isUnreadForm(req)) {
      // Read (bounded) before the check: an oversize form is refused for its size alone,
      // never parsed whole. `body` is a getter so a declared oversize Content-Length is
      // refused before the stream is even touched.
      const form = await readFormField(
        {
          headers,
          get body() {
            return Readable.toWeb(req) as ReadableStream<Uint8Array>
          },
        },
        resolved.formField,
        bodyLimit,
      )
      if (form.tooLarge) {
        // Close rather than drain: Node would otherwise read the rest to reuse the socket.
        res.setHeader('connection', 'close')
        return sendWebResponse(res, bodyTooLargeResponse())
      }
      // The stream is spent: leave the field where a body parser would, and tell later
      // parsers (body-parser checks `_body`) not to wait for a body that already ended.
      const parsed = req as ParsedRequest
      parsed._body = true
      req.body = form.value === undefined ? {} : { [resolved.formField]: form.value }
    }
    const failure = await checkCsrf(
      {
        // The method on the wire; method-override headers and fields are never read.
        method: req.method,
        url: `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${req.originalUrl}`,
        headers,
        secure,
        bodyToken: async () =>
          parsedFormField(req.headers['content-type'], req.body, resolved.formField),
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

/** A form body no body parser has read yet. */
function isUnreadForm(req: ParsedRequest): boolean {
  return isFormContentType(req.headers['content-type']) && req._body !== true && !req.readableEnded
}
