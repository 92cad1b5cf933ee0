import type { AuthUser, Session, SessionManager } from '@tessera/core'
import {
  createRequestLifecycle,
  editResponseHeaders,
  type LifecycleOptions,
  recordHeader,
  writeSessionHeaders,
} from '@tessera/core/adapter'
import type { Context, MiddlewareHandler } from 'hono'
import { withSessionHeaders } from './lightweight-response.js'

/** Hono environment carrying the session: `new Hono<SessionEnv>()`, then `c.var.session`. */
export type SessionEnv = { Variables: { session: Session } }

/** Options of {@link session}: the core `LifecycleOptions`, plus where the client address comes from. */
export interface SessionMiddlewareOptions<U extends AuthUser = AuthUser>
  extends LifecycleOptions<U> {
  /** Client address to record on new sessions (e.g. from `getConnInfo`). */
  clientIp?: (c: Context) => string | undefined
}

/**
 * Sessions for Hono, the adapter's one entry point. Puts a lazy {@link Session} on
 * `c.var.session`, runs the core's request lifecycle around the handler — `allowedHosts`,
 * the JWKS route, shared-session hops, the login-required group (the user on
 * `c.var.user`), the body limit and CSRF, as its options say — then saves the session
 * and sets `Set-Cookie`, `Vary: Cookie` and `Cache-Control: no-store` as needed. As in
 * Django, nothing is saved when the handler threw or answered a 5xx; the thrown error
 * stays with Hono's `onError`. A store failure or timeout answers `503` JSON. Bad options
 * throw `ConfigError` here, at startup.
 *
 * @example
 * ```ts
 * const app = new Hono<SessionEnv>()
 * app.use(session(new SessionManager({ store, secret }), { csrf: true, trustProxy: true }))
 * app.get('/', async (c) => c.json({ visits: (await c.var.session.get<number>('visits')) ?? 0 }))
 * ```
 */
export function session<U extends AuthUser = AuthUser>(
  manager: SessionManager,
  options: SessionMiddlewareOptions<U> = {},
): MiddlewareHandler<SessionEnv> {
  const lifecycle = createRequestLifecycle(manager, options)
  const clientIp = options.clientIp
  return async function tesseraSession(c, next) {
    const raw = c.req.raw
    // On @hono/node-server, Node has already parsed the headers: reading them there
    // spares building the request's Web `Headers` on the many requests that need no more.
    const nodeHeaders = (c.env as NodeBindings | undefined)?.incoming?.headers
    const scope = lifecycle.open({
      method: raw.method,
      url: raw.url,
      path: c.req.path,
      header: nodeHeaders
        ? (name) => recordHeader(nodeHeaders, name)
        : (name) => raw.headers.get(name),
      headers: () => raw.headers,
      ip: clientIp?.(c),
      // A clone, so the handler can still read the body.
      body: () => raw.clone(),
    })
    if (scope instanceof Response) return scope
    c.set('session', scope.session)
    // admit() and finish() answer synchronously on most requests: no await then.
    const admitted = scope.admit()
    const refusal = admitted === undefined ? undefined : await admitted
    if (refusal) replace(c, refusal)
    else {
      if (scope.resolvedUser) (c as Context).set('user', scope.resolvedUser)
      await next()
    }
    // Hono has already turned a handler's exception into c.res through onError.
    const outcome =
      c.error === undefined ? { status: c.res.status } : { error: c.error, status: c.res.status }
    const finished = scope.finish(outcome)
    const done = finished instanceof Promise ? await finished : finished
    if (done === undefined) return
    if (done instanceof Response) return replace(c, done)
    const res =
      withSessionHeaders(c.res, done) ??
      editResponseHeaders(c.res, (headers) => writeSessionHeaders(headers, done))
    if (res !== c.res) replace(c, res)
  }
}

/** What @hono/node-server puts on `c.env`: the Node request (only its parsed headers are read). */
interface NodeBindings {
  incoming?: { headers?: Readonly<Record<string, string | readonly string[] | undefined>> }
}

/** Swaps the response whole: Hono's setter would otherwise merge the old one's headers in. */
function replace(c: Context, res: Response): void {
  c.res = undefined
  c.res = res
}
