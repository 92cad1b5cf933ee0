import { headersFromRecord, requestViewOf, type SharedSessions } from '@tessera/core'
import type { RequestHandler } from 'express-serve-static-core'
import { sendWebResponse } from './lib/send-web-response.js'

/** Options of {@link sharedSession}. */
export interface SharedSessionMiddlewareOptions {
  /**
   * Deprecated: `session()`'s `trustProxy` decides whether the request was HTTPS. Still
   * accepted; when given it must equal `session()`'s, or requests under the prefix fail
   * with `ConfigError` (passed to `next`).
   * @default session()'s
   */
  trustProxy?: boolean
}

/**
 * django-shared-session's endpoints for Express 5: answers `GET <shared.path>/*` — the script path,
 * the SPA loader and the redirect path — and calls `next()` for every other request.
 * Register it after `session()`, which saves the session and adds the cookie the
 * transfer installed before the response goes out.
 *
 * @example
 * ```ts
 * const shared = new SharedSessions({ sites: ['https://a.example', 'https://b.example'], key })
 * app.use(session(manager))
 * app.use(sharedSession(shared))
 * ```
 */
export function sharedSession(
  shared: SharedSessions,
  options: SharedSessionMiddlewareOptions = {},
): RequestHandler {
  const prefix = `${shared.path}/`
  return function tesseraSharedSession(req, res, next) {
    if (req.method !== 'GET' || !req.path.startsWith(prefix)) return next()
    let secure: boolean
    try {
      secure = requestViewOf(req.session, {
        consumer: 'sharedSession()',
        session: 'session()',
        trustProxy: options.trustProxy,
      }).secure
    } catch (e) {
      return next(e)
    }
    const headers = headersFromRecord(req.headers)
    let request: Request
    try {
      request = new Request(
        `${secure ? 'https' : 'http'}://${req.headers.host}${req.originalUrl}`,
        {
          method: req.method,
          headers,
        },
      )
    } catch {
      return next() // no usable Host: not a request for any configured site
    }
    shared.handle(request, req.session, { secure }).then(async (response) => {
      if (!response) return next()
      // session() appends the session cookie after the transfer's own cookies.
      await sendWebResponse(res, response)
    }, next)
  }
}
