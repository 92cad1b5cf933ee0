import {
  bindRequestView,
  commitResponse,
  disallowedHostResponse,
  type ProxyOptions,
  proxyView,
  resolveAllowedHosts,
  type Session,
  type SessionManager,
  StoreError,
  storeUnavailableResponse,
  writeSessionHeaders,
} from '@tessera/core'
import type { Context, MiddlewareHandler } from 'hono'
import { editResponseHeaders } from './lib/edit-response-headers.js'

/** Hono environment carrying the session: `new Hono<SessionEnv>()`, then `c.var.session`. */
export type SessionEnv = { Variables: { session: Session } }

/** Options of {@link session}. */
export interface SessionMiddlewareOptions extends ProxyOptions {
  /** Client address to record on new sessions (e.g. from `getConnInfo`). */
  clientIp?: (c: Context) => string | undefined
  /**
   * The hosts the app answers for (Django's `ALLOWED_HOSTS`): `"name"` (any port),
   * `"name:port"` or `"[ipv6]"`, exact, case-insensitive. A request for any other host
   * (the host of `c.req.url`, i.e. its `Host` header) gets
   * `400 {"detail": "Invalid Host header.", "code": "DISALLOWED_HOST"}` before anything
   * else runs: the CSRF Origin check trusts the request's own origin, which comes from
   * that header. Checked at startup; a bad entry throws `ConfigError`.
   * @default undefined (every host; set it in production)
   */
  allowedHosts?: readonly string[]
}

/**
 * Sessions for Hono. Puts a lazy {@link Session} on `c.var.session`, saves it after the
 * handler, and sets `Set-Cookie`, `Vary: Cookie` and `Cache-Control: no-store` as needed.
 * As in Django, nothing is saved (and no session cookie set) when the handler threw or
 * the response is a 5xx; the thrown error stays with Hono's `onError`. A store failure
 * or timeout — in the handler or while saving — answers `503` JSON instead of a crash
 * or a hang.
 *
 * @example
 * ```ts
 * const app = new Hono<SessionEnv>()
 * app.use(session(new SessionManager({ store, secret })))
 * app.get('/', async (c) => c.json({ visits: (await c.var.session.get<number>('visits')) ?? 0 }))
 * ```
 */
export function session(
  manager: SessionManager,
  options: SessionMiddlewareOptions = {},
): MiddlewareHandler<SessionEnv> {
  const trustProxy = options.trustProxy ?? false
  const clientIp = options.clientIp
  const hosts =
    options.allowedHosts === undefined ? undefined : resolveAllowedHosts(options.allowedHosts)
  return async function tesseraSession(c, next) {
    if (hosts && !hosts.allowsUrl(c.req.url)) return disallowedHostResponse()
    const header = (name: string) => c.req.header(name)
    const view = proxyView(header, trustProxy, {
      secure: c.req.url.startsWith('https:'),
      ip: clientIp?.(c),
    })
    const s = manager.open({
      cookie: c.req.header('cookie'),
      header,
      secure: view.secure,
      userAgent: c.req.header('user-agent'),
      ip: view.ip,
    })
    bindRequestView(s, view)
    c.set('session', s)
    await next()
    // Hono has already turned a handler's exception into c.res through onError; a
    // store failure deserves 503, not the generic 500.
    if (c.error instanceof StoreError) return replace(c, storeUnavailableResponse(c.error))
    const result = await commitResponse(
      manager,
      s,
      c.error === undefined ? c.res.status : undefined,
    )
    if (result instanceof Response) return replace(c, result)
    if (result === undefined) return
    editResponseHeaders(c, (headers) => writeSessionHeaders(headers, { commit: result }))
  }
}

/** Swaps the response whole: Hono's setter would otherwise merge the old one's headers in. */
function replace(c: Context, res: Response): void {
  c.res = undefined
  c.res = res
}
