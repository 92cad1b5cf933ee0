import { type JwksOptions, type JwksSource, jwksResponse, resolveJwksOptions } from '@tessera/core'
import type { RequestHandler } from 'express-serve-static-core'
import { sendWebResponse } from './lib/send-web-response.js'

/**
 * Serves the JWKS of the app's session JWTs: `GET`/`HEAD` on `/.well-known/jwks.json`
 * (or `options.path`) answers the public keys of `source` — a `SessionManager` in the
 * `jwt` format, or a `JwtKeySet` — as `application/json` with `Cache-Control: public,
 * max-age=300`; every other request goes on. Only public keys are ever published. Mount
 * it before `session()`: the route never needs a session.
 *
 * @example
 * ```ts
 * app.use(jwks(manager))
 * app.use(session(manager))
 * ```
 */
export function jwks(source: JwksSource, options: JwksOptions = {}): RequestHandler {
  const { path, maxAge } = resolveJwksOptions(options)
  return function tesseraJwks(req, res, next) {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === path) {
      sendWebResponse(res, jwksResponse(source, { maxAge })).catch(next)
      return
    }
    next()
  }
}
