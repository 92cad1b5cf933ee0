import type { TLSSocket } from 'node:tls'
import {
  bindRequestView,
  disallowedHostResponse,
  type ProxyOptions,
  proxyView,
  resolveAllowedHosts,
  type Session,
  type SessionManager,
} from '@tessera/core'
import type { Request, RequestHandler } from 'express-serve-static-core'
import { gateResponse } from './lib/response-gate.js'
import { sendWebResponse } from './lib/send-web-response.js'

declare global {
  namespace Express {
    interface Request {
      /**
       * The request's Tessera session, set by `session()`. Lazy: a route that never
       * awaits it costs nothing. (Not compatible with express-session's types, which
       * declare `req.session` too: use one session library per app.)
       */
      session: Session
    }
  }
}

/** Options of {@link session}. */
export interface SessionMiddlewareOptions extends ProxyOptions {
  /**
   * Client address to record on new sessions.
   * @default (req) => req.socket.remoteAddress
   */
  clientIp?: (req: Request) => string | undefined
  /**
   * The hosts the app answers for (Django's `ALLOWED_HOSTS`): `"name"` (any port),
   * `"name:port"` or `"[ipv6]"`, exact, case-insensitive, matched against the `Host`
   * header (Express's `trust proxy` and `X-Forwarded-Host` are not consulted). Any
   * other host gets `400 {"detail": "Invalid Host header.", "code": "DISALLOWED_HOST"}`
   * before anything else runs: the CSRF Origin check trusts the request's own origin,
   * which comes from that header. A bad entry throws `ConfigError` here.
   * @default undefined (every host; set it in production)
   */
  allowedHosts?: readonly string[]
}

/**
 * Sessions for Express 5. Puts a lazy {@link Session} on `req.session`, saves it when
 * the response starts (`res.json`, `res.send`, `res.end`, `res.redirect`, streams…) and
 * adds `Set-Cookie`, `Vary: Cookie` and `Cache-Control: no-store` as needed, before the
 * headers go out. As in Django, nothing is saved (and no session cookie set) on a 5xx
 * response — which is also what Express's error path sends for an error a handler
 * threw. A store failure or timeout while saving answers `503` JSON instead of the
 * handler's response; register {@link storeErrors} after the routes so a failure
 * inside a handler answers the same.
 * `trustProxy` is this middleware's own: Express's `trust proxy` setting is not
 * consulted, so one option decides.
 *
 * @example
 * ```ts
 * const app = express()
 * app.use(session(new SessionManager({ store, secret })))
 * app.get('/', async (req, res) => {
 *   res.json({ visits: (await req.session.get<number>('visits')) ?? 0 })
 * })
 * app.use(storeErrors())
 * ```
 */
export function session(
  manager: SessionManager,
  options: SessionMiddlewareOptions = {},
): RequestHandler {
  const trustProxy = options.trustProxy ?? false
  const clientIp = options.clientIp
  const hosts =
    options.allowedHosts === undefined ? undefined : resolveAllowedHosts(options.allowedHosts)
  return function tesseraSession(req, res, next) {
    if (hosts && !hosts.allows(req.headers.host)) {
      sendWebResponse(res, disallowedHostResponse()).catch(next)
      return
    }
    const header = (name: string) => {
      const value = req.headers[name.toLowerCase()]
      return Array.isArray(value) ? value[0] : value
    }
    const view = proxyView(header, trustProxy, {
      secure: (req.socket as Partial<TLSSocket>).encrypted === true,
      ip: clientIp ? clientIp(req) : req.socket.remoteAddress,
    })
    const { secure } = view
    const s = manager.open({
      cookie: req.headers.cookie,
      header,
      secure,
      userAgent: req.headers['user-agent'],
      ip: view.ip,
    })
    bindRequestView(s, view)
    req.session = s
    gateResponse(res, manager, { session: s, secure, beforeHeaders: [], skipCommit: false })
    next()
  }
}
