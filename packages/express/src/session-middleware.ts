import type { AuthUser, Session, SessionManager } from '@tessera/core'
import {
  createRequestLifecycle,
  gateNodeResponse,
  type LifecycleOptions,
  prepareNodeResponseGate,
  sendNodeResponse,
} from '@tessera/core/adapter'
import express from 'express'
import type { Request, RequestHandler } from 'express-serve-static-core'
import { ExpressRequestView } from './express-request-view.js'
import { defineSessionProperty, keepSession } from './session-property.js'
import { type RouterFactory, watchErrorPath } from './watch-error-path.js'

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

/** Options of {@link session}: the core `LifecycleOptions`, plus where the client address comes from. */
export interface SessionMiddlewareOptions<U extends AuthUser = AuthUser>
  extends LifecycleOptions<U> {
  /**
   * Client address to record on new sessions (before `trustProxy`).
   * @default (req) => req.socket.remoteAddress
   */
  clientIp?: (req: Request) => string | undefined
}

/** A request a body parser already consumed (body-parser's own flag). */
type ParsedRequest = Request & { _body?: boolean }

/**
 * Sessions for Express 5, the adapter's one entry point. Puts a lazy {@link Session} on
 * `req.session` and runs the core's request lifecycle around the routes —
 * `allowedHosts`, the JWKS route, shared-session hops, the login-required group (the
 * user on `res.locals.user`), the body limit and CSRF, as its options say (a form body
 * no parser read yet is read here, and its token field left on `req.body`). The session
 * is saved when the response starts, and `Set-Cookie`, `Vary: Cookie` and
 * `Cache-Control: no-store` are added before the headers go out. As in Django, nothing
 * is saved on a 5xx, nor when the handler threw or called `next(err)`: the answer the
 * error middleware writes saves nothing and sets no session cookie, whatever its status
 * (an http-errors `400` included). A store failure while saving answers `503` JSON; an
 * error that is not Tessera's goes to `next(err)`. Register `storeErrorHandler()` after
 * the routes (required): a store failure inside a handler then answers `503` too, and
 * an error never reaches Express's final handler unseen (that one's `4xx` would be
 * saved). `trustProxy` is this middleware's own: Express's `trust proxy`
 * setting is not consulted, so one option decides. Bad options throw `ConfigError` here.
 *
 * @example
 * ```ts
 * app.use(session(new SessionManager({ store, secret }), { csrf: true }))
 * app.get('/', async (req, res) => {
 *   res.json({ visits: (await req.session.get<number>('visits')) ?? 0 })
 * })
 * app.use(storeErrorHandler())
 * ```
 */
export function session<U extends AuthUser = AuthUser>(
  manager: SessionManager,
  options: SessionMiddlewareOptions<U> = {},
): RequestHandler {
  const lifecycle = createRequestLifecycle(manager, options)
  const clientIp = options.clientIp
  // The response gate's methods go on Express's response prototype now, so a middleware
  // that wraps res.end before this one already wraps the gated end on the first request.
  // (Typed through a cast: the repository's root typecheck sees the bench's minimal
  // ambient 'express' module, which has no `response`.)
  prepareNodeResponseGate((express as unknown as { response: object }).response)
  // An error on its way to the app's error middleware is recorded on the gate, so its
  // answer saves nothing whatever its status (see there).
  watchErrorPath((express as unknown as { Router?: RouterFactory }).Router)
  // req.session: an accessor on Express's request prototype, defined once (see there).
  const expressRequest = (express as unknown as { request: object }).request
  defineSessionProperty(expressRequest)
  return function tesseraSession(req, res, next) {
    const socket = req.socket
    const view = new ExpressRequestView(
      req,
      socket,
      clientIp ? clientIp(req) : socket.remoteAddress,
    )
    const scope = lifecycle.open(view)
    if (scope instanceof Response) return void sendNodeResponse(res, scope).catch(next)
    gateNodeResponse(res, scope, next)
    keepSession(res.locals, scope.session)
    // Express's request prototype answers req.session from the gate; a request whose
    // prototype is not Express's (a custom one), or that holds a session property of its
    // own, gets its own property. Asked without reading req.session: on a request
    // Express has re-prototyped, each property read costs a cache-missing lookup.
    if (
      !Object.prototype.isPrototypeOf.call(expressRequest, req) ||
      Object.hasOwn(req, 'session')
    ) {
      req.session = scope.session
    }
    const admitted = scope.admit()
    if (admitted === undefined) return next()
    admitted.then((refusal) => {
      if (refusal) {
        // Close rather than drain: Node would otherwise read the rest of a 413's body.
        if (refusal.status === 413) res.setHeader('connection', 'close')
        return sendNodeResponse(res, refusal)
      }
      if (scope.formFields) {
        // The stream is spent: leave the field where a body parser would, and tell later
        // parsers (body-parser checks `_body`) not to wait for a body that already ended.
        ;(req as ParsedRequest)._body = true
        req.body = { ...scope.formFields }
      }
      if (scope.resolvedUser) res.locals.user = scope.resolvedUser
      next()
    }, next)
  }
}
