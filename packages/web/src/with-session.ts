import type { AuthUser, Session, SessionManager } from '@tessera/core'
import {
  createRequestLifecycle,
  editResponseHeaders,
  type LifecycleOptions,
  writeSessionHeaders,
} from '@tessera/core/adapter'

/** What a wrapped handler receives as its second argument. */
export interface SessionContext<U extends AuthUser = AuthUser> {
  /** The request's session: lazy, so a handler that never awaits it costs nothing. */
  session: Session
  /** The logged-in user on a route of the `loginRequired` group, else `null`. */
  user: U | null
}

/**
 * A Web-standard handler with a session: the request, the {@link SessionContext}, then
 * whatever else the runtime passed (Next.js `{ params }`, Bun's `server`, Deno's `info`,
 * a worker's `env` and `ctx`).
 */
export type SessionHandler<Rest extends unknown[] = [], U extends AuthUser = AuthUser> = (
  request: Request,
  context: SessionContext<U>,
  ...rest: Rest
) => Response | Promise<Response>

/** Options of {@link withSession}: the core `LifecycleOptions`, plus where the client address comes from. */
export interface WithSessionOptions<Rest extends unknown[] = [], U extends AuthUser = AuthUser>
  extends LifecycleOptions<U> {
  /**
   * Client address to record on new sessions, from the request and the runtime's extra
   * arguments, e.g. `(req, server) => server.requestIP(req)?.address` on Bun.
   */
  clientIp?: (request: Request, ...rest: Rest) => string | null | undefined
}

/**
 * Sessions for any Web-standard `fetch` handler (Next.js route handlers, `Bun.serve`,
 * `Deno.serve`, workers), the adapter's one entry point. Runs the core's request
 * lifecycle around `handler` — `allowedHosts`, the JWKS route, shared-session hops, the
 * login-required group (the user on `context.user`), the body limit and CSRF, as its
 * options say — then saves the session and adds `Set-Cookie`, `Vary: Cookie` and
 * `Cache-Control: no-store` as needed (to a copy when the response's headers are
 * immutable, as after `Response.redirect()`). As in Django, nothing is saved when the
 * handler answers a 5xx or throws. A `StoreError` answers `503` JSON; any other error is
 * rethrown unchanged to the caller (the runtime, or your own `try`/`catch`). Bad options
 * throw `ConfigError` here, at startup.
 *
 * @example
 * ```ts
 * const handler = withSession(sessions, async (request, { session }) => {
 *   const visits = ((await session.get<number>('visits')) ?? 0) + 1
 *   await session.set('visits', visits)
 *   return Response.json({ visits })
 * }, { csrf: true })
 * Bun.serve({ fetch: handler })
 * ```
 */
export function withSession<Rest extends unknown[] = [], U extends AuthUser = AuthUser>(
  manager: SessionManager,
  handler: SessionHandler<Rest, U>,
  options: WithSessionOptions<Rest, U> = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  const lifecycle = createRequestLifecycle(manager, options)
  const clientIp = options.clientIp
  return async function tesseraSession(request, ...rest) {
    const scope = lifecycle.open({
      method: request.method,
      url: request.url,
      header: (name) => request.headers.get(name),
      headers: () => request.headers,
      ip: clientIp?.(request, ...rest),
      // A clone, so the handler can still read the body.
      body: () => request.clone(),
    })
    if (scope instanceof Response) return scope
    let response: Response
    try {
      // admit() and finish() answer synchronously on most requests: no await then.
      const admitted = scope.admit()
      response =
        (admitted === undefined ? undefined : await admitted) ??
        (await handler(
          request,
          { session: scope.session, user: scope.resolvedUser ?? null },
          ...rest,
        ))
    } catch (error) {
      // A StoreError becomes the 503; any other error is thrown back to the caller.
      return (await scope.finish({ error })) as Response
    }
    const finished = scope.finish({ status: response.status })
    const done = finished instanceof Promise ? await finished : finished
    if (done === undefined || done instanceof Response) return done ?? response
    return editResponseHeaders(response, (headers) => writeSessionHeaders(headers, done))
  }
}
