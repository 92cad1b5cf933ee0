import { createHmac } from 'node:crypto'
import type { SharedRequestInfo, SharedSessionMode, SharedSessions, Tessera } from '@tessera/core'
import type { SessionEnv } from '@tessera/hono'
import type { Context, Hono } from 'hono'

/**
 * The demo's django-shared-session wiring, made before the port is known and completed
 * once it is.
 */
export interface DemoSharedSessions {
  /**
   * Mounts, on the Hono app and before the SPA: the `/shared-session/*` endpoints, the
   * first-visit redirect hop for page loads, and the CSP `script-src` that lets pages
   * load the other sites' scripts.
   */
  mount(app: Hono<SessionEnv>): void
  /** Adds the loader's `<script async>` tags to an HTML page of a non-empty session. */
  html(c: Context<SessionEnv>, html: string): Promise<string>
  /** Completes the configuration once the server listens (the default sites follow the port). */
  listening(port: number): void
  /** The sites, once listening (for the startup log). */
  describe(): string
}

/**
 * Shared sessions for the demo: one server, one store, several sites told apart by host
 * name — `http://localhost:<port>` and `http://127.0.0.1:<port>` unless `SHARED_SITES`
 * (comma-separated origins) says otherwise. `SHARED_SESSION_KEY` is the transfer key
 * (default: derived from the app secret, so every instance agrees);
 * `SHARED_SESSION_MODE` is `auto` (default), `script` or `redirect`.
 *
 * @example
 * ```ts
 * const shared = demoSharedSessions(process.env, config.secret, tessera)
 * shared.mount(app)
 * serve({ fetch: app.fetch, port }, (info) => shared.listening(info.port))
 * ```
 */
export function demoSharedSessions(
  env: NodeJS.ProcessEnv,
  secret: string,
  tessera: Pick<Tessera, 'sharedSessions'>,
): DemoSharedSessions {
  const key =
    env.SHARED_SESSION_KEY ||
    createHmac('sha256', secret)
      .update('tessera demo shared-session transfer key')
      .digest('base64url')
  const mode = (env.SHARED_SESSION_MODE || 'auto') as SharedSessionMode
  const configured = (env.SHARED_SITES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  let shared: SharedSessions | undefined

  // Behind a TLS proxy (TRUST_PROXY) the request URL says http:; the site is https:.
  const info = (c: Context<SessionEnv>): SharedRequestInfo => ({
    secure: c.var.session.client.secure,
  })
  const others = (c: Context<SessionEnv>): string[] => {
    const url = new URL(c.req.url)
    const self = `${info(c).secure ? 'https:' : 'http:'}//${url.host}`
    const sites = shared?.sites ?? []
    // Only a shared site's pages load the others' loaders: a host outside the list (the
    // public name, while the default sites are loopback) must not trust their scripts.
    return sites.includes(self) ? sites.filter((site) => site !== self) : []
  }

  return {
    mount(app) {
      app.use(async function demoSharedSession(c, next) {
        if (!shared) return next()
        // The endpoints first (created once the port is known, so not session()'s
        // `sharedSessions` option); then, for a browser's page load, the first-visit hop.
        const answered = await shared.handle(c.req.raw, c.var.session, info(c))
        if (answered) return answered
        const path = c.req.path
        // Not for /embed/: that entry point serves cookieless webviews, which a hop cannot help.
        const page = !/^\/(api|assets|embed)(\/|$)/.test(path)
        if (page) {
          const hop = await shared.connectRedirect(c.req.raw, c.var.session, info(c))
          if (hop) return hop
        }
        await next()
        // The demo's CSP is strict (default-src 'self'); pages must be allowed to load
        // the other sites' loader scripts, and nothing else from them.
        const csp = c.res.headers.get('content-security-policy')
        if (csp && !/script-src/.test(csp)) {
          const sources = others(c)
          if (sources.length)
            c.res.headers.set(
              'content-security-policy',
              `${csp}; script-src 'self' ${sources.join(' ')}`,
            )
        }
      })
    },
    async html(c, html) {
      // Logged in or not: django-shared-session shares anonymous session data too (the
      // cart). An empty session has nothing to share (and loaderHtml would say so).
      if (!shared || (await c.var.session.isEmpty())) return html
      const tags = await shared.loaderHtml(c.req.raw, c.var.session, info(c))
      return tags ? html.replace('</head>', `${tags}</head>`) : html
    },
    listening(port) {
      const sites = configured.length
        ? configured
        : [`http://localhost:${port}`, `http://127.0.0.1:${port}`]
      shared = tessera.sharedSessions({ sites, key, mode })
    },
    describe() {
      return shared ? `${shared.sites.join(', ')} (${mode})` : 'not configured'
    },
  }
}
