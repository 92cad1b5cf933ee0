import { type JwksOptions, type JwksSource, jwksResponse, resolveJwksOptions } from '@tessera/core'

/**
 * Puts the JWKS of the app's session JWTs in front of a fetch handler: `GET`/`HEAD` on
 * `/.well-known/jwks.json` (or `options.path`) answers the public keys of `source` — a
 * `SessionManager` in the `jwt` format, or a `JwtKeySet` — as `application/json` with
 * `Cache-Control: public, max-age=300`; every other request goes to `handler`. Only
 * public keys are ever published. In a Next.js route file at that path, `export const
 * GET = () => jwksResponse(manager)` (from `@tessera/core`) does the same.
 *
 * @example
 * ```ts
 * Bun.serve({ fetch: withJwks(manager, withSession(manager, handler)) })
 * ```
 */
export function withJwks<Rest extends unknown[] = []>(
  source: JwksSource,
  handler: (request: Request, ...rest: Rest) => Response | Promise<Response>,
  options: JwksOptions = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  const { path, maxAge } = resolveJwksOptions(options)
  return async function tesseraJwks(request, ...rest) {
    if (
      (request.method === 'GET' || request.method === 'HEAD') &&
      new URL(request.url).pathname === path
    ) {
      return jwksResponse(source, { maxAge })
    }
    return handler(request, ...rest)
  }
}
