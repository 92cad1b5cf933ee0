import {
  ConfigError,
  copyResponseHeaders,
  type JwksOptions,
  type JwksSource,
  jwksResponse,
  resolveJwksOptions,
} from '@tessera/core'
import type { FastifyPluginAsync } from 'fastify'

/**
 * Options of {@link jwks}: the core JWKS options plus what to publish.
 *
 * @example
 * ```ts
 * await app.register(jwks, { source: manager, maxAge: 60 } satisfies JwksPluginOptions)
 * ```
 */
export interface JwksPluginOptions extends JwksOptions {
  /** A `SessionManager` in the `jwt` format, or a `JwtKeySet`. */
  source: JwksSource
}

/**
 * Serves the JWKS of the app's session JWTs: a `GET` route (and Fastify's automatic
 * `HEAD`) on `/.well-known/jwks.json` (or `path`) answering the public keys of `source`
 * as `application/json` with `Cache-Control: public, max-age=300`. Only public keys are
 * ever published. The route skips the session plugin's CSRF check (it is a `GET`).
 *
 * @example
 * ```ts
 * await app.register(jwks, { source: manager })
 * ```
 */
export const jwks: FastifyPluginAsync<JwksPluginOptions> = async (fastify, options) => {
  const source = options.source
  if (!source || typeof source.jwks !== 'function') {
    throw new ConfigError('jwks: the "source" option must be a SessionManager or a JwtKeySet')
  }
  const { path, maxAge } = resolveJwksOptions(options)
  fastify.get(path, async (_request, reply) => {
    const response = jwksResponse(source, { maxAge })
    copyResponseHeaders(response, (name, value) => reply.header(name, value))
    // Bytes, not a string: Fastify would append "; charset=utf-8" to a string's type.
    return reply.code(response.status).send(Buffer.from(await response.arrayBuffer()))
  })
}
