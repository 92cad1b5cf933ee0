import { headersFromRecord, type SharedSessions } from '@tessera/core'
import type { RequestHandler } from 'express-serve-static-core'
import { isSecureRequest } from './lib/is-secure-request.js'

/** Options of {@link sharedSession}. */
export interface SharedSessionMiddlewareOptions {
  /** Believe `X-Forwarded-Proto` (set it like `session()`'s). @default false */
  trustProxy?: boolean
}

/**
 * Seed 002's endpoints for Express 5: answers `GET <shared.path>/*` — the script path,
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
  const trustProxy = options.trustProxy ?? false
  const prefix = `${shared.path}/`
  return function tesseraSharedSession(req, res, next) {
    if (req.method !== 'GET' || !req.path.startsWith(prefix)) return next()
    const secure = isSecureRequest(req, trustProxy)
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
      res.statusCode = response.status
      for (const [name, value] of response.headers) {
        if (name !== 'set-cookie') res.setHeader(name, value)
      }
      // Each cookie its own header line; session() appends the session cookie after them.
      for (const cookie of response.headers.getSetCookie()) res.appendHeader('set-cookie', cookie)
      res.end(await response.text())
    }, next)
  }
}
