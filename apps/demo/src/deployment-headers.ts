import { createServer, type RequestListener, type ServerOptions } from 'node:http'
import { proxyView } from '@tessera/core'

/** What {@link withDeploymentHeaders} adds, from the demo's settings. */
export interface DeploymentHeaders {
  /** Believe `X-Forwarded-Proto` for whether the request was HTTPS (`TRUST_PROXY`). */
  trustProxy: boolean
  /** `Strict-Transport-Security: max-age=<seconds>` on HTTPS responses; 0 sends none. */
  hstsSeconds: number
  /** `X-Instance: <name>` on every response, to tell the instances behind a proxy apart. */
  instanceName?: string
}

/**
 * The `createServer` for `@hono/node-server`'s `serve()` that adds the deployment's
 * response headers to every response, whichever adapter answers it (the SPA on Hono, the
 * API on any of the four): HSTS on HTTPS (as Django's `SECURE_HSTS_SECONDS`; the demo
 * cannot know the other subdomains, so no `includeSubDomains`) and `X-Instance`. `create`
 * is the `createServer` the adapter wiring chose, Node's by default. Headers set here
 * come first; a handler's own headers of the same name win.
 *
 * @example
 * ```ts
 * serve({ fetch, port, createServer: withDeploymentHeaders(onAdapter.createServer, config) })
 * ```
 */
export function withDeploymentHeaders(
  create: typeof createServer | undefined,
  headers: DeploymentHeaders,
): typeof createServer {
  const base = create ?? createServer
  const addHeaders: RequestListener = (req, res) => {
    if (headers.instanceName !== undefined) res.setHeader('X-Instance', headers.instanceName)
    if (headers.hstsSeconds > 0) {
      const header = (name: string) => {
        const value = req.headers[name]
        return Array.isArray(value) ? value.join(',') : value
      }
      // The socket is plain HTTP: only a trusted proxy can say the client used HTTPS.
      if (proxyView(header, headers.trustProxy, { secure: false }).secure)
        res.setHeader('Strict-Transport-Security', `max-age=${headers.hstsSeconds}`)
    }
  }
  return ((options: ServerOptions, listener: RequestListener) => {
    const server = base(options, listener)
    // First of the server's request listeners, not a wrap of `listener`: `create` may
    // route some requests past it (the adapter wiring sends `/api` to Express, Fastify
    // or the fetch handler), and those answers need the headers too.
    server.prependListener('request', addHeaders)
    return server
  }) as unknown as typeof createServer
}
