import {
  type AuthUser,
  requestUser,
  resolveAnonymousRoutes,
  type UserProvider,
  unauthenticatedResponse,
} from '@tessera/core'
import type { SessionContext, SessionHandler } from './with-session.js'

/** What a handler under {@link withUser} receives as its second argument. */
export interface UserContext<U extends AuthUser = AuthUser> extends SessionContext {
  /** The logged-in user; `null` only on a route listed in `allowAnonymous`. */
  user: U | null
}

/** Options of {@link withUser}. */
export interface WithUserOptions {
  /**
   * The routes of the group anonymous requests may still reach — Django REST
   * framework's `AllowAny` under an `IsAuthenticated` default: exact `"/path"` (any
   * method) or `"METHOD /path"` entries, matched against the URL's path. Their handler
   * gets `user: null` without a lookup. A bad entry throws `ConfigError` here.
   * @default [] (every route needs a login)
   */
  allowAnonymous?: readonly string[]
}

/**
 * A login-required group of fetch routes: `handler` runs only for a logged-in user,
 * found on `context.user` (looked up once per request, `requestUser`; `requireUser`
 * inside it costs nothing more). Others get
 * `401 {"detail": "Authentication credentials were not provided."}` with
 * `WWW-Authenticate: Session`. Wrap it in `withSession`.
 *
 * @example
 * ```ts
 * const api = withUser(users, async (request, { user }) => Response.json({ hello: user?.username }), {
 *   allowAnonymous: ['POST /api/login/'],
 * })
 * Bun.serve({ fetch: withSession(sessions, api, { csrf: true }) })
 * ```
 */
export function withUser<U extends AuthUser, Rest extends unknown[] = []>(
  users: UserProvider<U>,
  handler: (
    request: Request,
    context: UserContext<U>,
    ...rest: Rest
  ) => Response | Promise<Response>,
  options: WithUserOptions = {},
): SessionHandler<Rest> {
  const anonymous = resolveAnonymousRoutes(options.allowAnonymous)
  return async function tesseraWithUser(request, context, ...rest) {
    if (anonymous.allows(request.method, new URL(request.url).pathname)) {
      return handler(request, { ...context, user: null }, ...rest)
    }
    const user = await requestUser(context.session, users)
    if (!user) return unauthenticatedResponse()
    return handler(request, { ...context, user }, ...rest)
  }
}
