import { requestViewOf, type SharedSessions } from '@tessera/core'
import type { MiddlewareHandler } from 'hono'
import type { SessionEnv } from './session-middleware.js'

/** Options of {@link sharedSession}. */
export interface SharedSessionMiddlewareOptions {
  /**
   * Deprecated: `session()`'s `trustProxy` decides whether the request was HTTPS. Still
   * accepted; when given it must equal `session()`'s, or every request under the
   * prefix throws `ConfigError`.
   * @default session()'s
   */
  trustProxy?: boolean
}

/**
 * django-shared-session's endpoints for Hono: answers `GET <shared.path>/*` — the script path
 * (`/shared-session/<payload>.js`), the SPA loader (`/shared-session/loader.json`) and the
 * redirect path (`connect`, `authorize`, `accept/<payload>`) — and passes every other
 * request on. Register it after `session()`, which then saves the session and sets the
 * cookie the transfer installed.
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
): MiddlewareHandler<SessionEnv> {
  const prefix = `${shared.path}/`
  return async function tesseraSharedSession(c, next) {
    if (!c.req.path.startsWith(prefix)) return next()
    const { secure } = requestViewOf(c.var.session, {
      consumer: 'sharedSession()',
      session: 'session()',
      trustProxy: options.trustProxy,
    })
    const response = await shared.handle(c.req.raw, c.var.session, { secure })
    if (!response) return next()
    return response
  }
}
