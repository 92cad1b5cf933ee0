import { type JwksOptions, type JwksSource, jwksResponse, resolveJwksOptions } from '@tessera/core'
import type { MiddlewareHandler } from 'hono'

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
export function jwks(source: JwksSource, options: JwksOptions = {}): MiddlewareHandler {
  const { path, maxAge } = resolveJwksOptions(options)
  return async function tesseraJwks(c, next) {
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && c.req.path === path) {
      return jwksResponse(source, { maxAge })
    }
    await next()
  }
}
