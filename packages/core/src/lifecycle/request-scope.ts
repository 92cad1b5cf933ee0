import type { AuthUser } from '../auth/user-provider.js'
import type { SessionHeaders } from '../http/write-session-headers.js'
import type { Session } from '../session/session.js'

/**
 * How the request ended, for {@link RequestScope.finish}: the status the framework is
 * about to send, or the error the handler threw. With both, the framework's own error
 * path already answered the error (Hono's `onError`, Fastify's error handler).
 */
export type RequestOutcome =
  | { readonly status: number; readonly error?: undefined }
  | { readonly error: unknown; readonly status?: number | undefined }

/**
 * What the adapter applies once the request is over: `undefined` — send the response
 * as it is (nothing was saved); session headers to write with `writeSessionHeaders`;
 * or a `Response` to send instead (the `503` of a store failure).
 */
export type FinishedRequest = SessionHeaders | Response | undefined

/**
 * One request inside the lifecycle, from `RequestLifecycle.open`: the session for the
 * handler, the checks to pass before it, and the end.
 *
 * @example
 * ```ts
 * const refusal = await scope.admit()
 * const response = refusal ?? (await handler(request, scope.session))
 * const done = await scope.finish({ status: response.status })
 * ```
 */
export interface RequestScope<U extends AuthUser = AuthUser> {
  /** The request's lazy session: a handler that never awaits it costs no store call. */
  readonly session: Session
  /** Whether the client reached the app over HTTPS (`trustProxy` applied). */
  readonly secure: boolean
  /** The client's address (`trustProxy` applied), recorded on new sessions. */
  readonly ip: string | undefined
  /**
   * The form fields `admit()` read from a raw body (only the CSRF token field), once it
   * did: an adapter whose framework shares one body stream (Express) leaves them where
   * a body parser would. `undefined` when the body was not read.
   */
  readonly formFields: Readonly<Record<string, string>> | undefined
  /**
   * The user `admit()` looked up for a login-required route, for the adapter to hand
   * the handler (`c.var.user`, `res.locals.user`, `request.user`, `context.user`);
   * `undefined` when it looked none up.
   */
  readonly resolvedUser: U | undefined
  /**
   * The checks before the handler, in order: a shared-session hop (answered), the
   * login-required group (`401`), a form body over the limit (`413`), the CSRF check
   * (`403`). A `Response` is the answer: send it through {@link finish} like a
   * handler's. `undefined` (synchronously, for the many requests that need no check):
   * run the handler.
   */
  admit(): Promise<Response | undefined> | undefined
  /**
   * The logged-in user (from the session cookie or the `X-Session-Token` header),
   * looked up once per request however many guards ask; `null` when anonymous.
   *
   * @throws {@link ConfigError} when the lifecycle has no `users`.
   */
  user(): Promise<U | null>
  /**
   * Ends the request, the same in every adapter: the session is saved only when the
   * handler answered below 500 (Django); a `StoreError` becomes the `503` JSON; an error
   * that is not Tessera's is thrown back for the framework's own error path (unless the
   * outcome says it already answered it). Synchronous when nothing needs the store.
   */
  finish(outcome: RequestOutcome): FinishedRequest | Promise<FinishedRequest>
}
