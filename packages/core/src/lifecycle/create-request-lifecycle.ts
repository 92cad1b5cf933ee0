import type { AuthUser } from '../auth/user-provider.js'
import { resolveCsrfOptions } from '../csrf/csrf-options.js'
import { ConfigError } from '../errors.js'
import { resolveAllowedHosts } from '../http/allowed-hosts.js'
import { resolveBodyLimit } from '../http/body-limit.js'
import { disallowedHostResponse } from '../http/disallowed-host-response.js'
import { proxyView } from '../http/proxy-view.js'
import { isFormContentType } from '../http/read-form-field.js'
import { jwksResponse, resolveJwksOptions } from '../jwt/jwks-response.js'
import type { SessionManager } from '../session/session-manager.js'
import {
  type LifecycleConfig,
  LifecycleScope,
  pathOf,
  SAFE_METHODS,
} from './lib/lifecycle-scope.js'
import { resolveLoginRequired } from './lib/login-required.js'
import type { LifecycleOptions } from './lifecycle-options.js'
import type { RequestScope } from './request-scope.js'
import type { RequestView } from './request-view.js'

/**
 * The request lifecycle an adapter drives, built once by {@link createRequestLifecycle}.
 *
 * @example
 * ```ts
 * const scope = lifecycle.open(view)
 * if (scope instanceof Response) return scope // 400 disallowed host, or the JWKS
 * ```
 */
export interface RequestLifecycle<U extends AuthUser = AuthUser> {
  /**
   * Starts a request, synchronously: the `allowedHosts` check (`400`), the JWKS route
   * (answered without a session), then the request's lazy session with `trustProxy`
   * applied. A `Response` is the whole answer; send it as it is.
   */
  open(view: RequestView): RequestScope<U> | Response
  /**
   * The most bytes of this request's body the adapter may let its framework parse:
   * `bodyLimit` for a form on a CSRF-checked request (its token field is read), else
   * `undefined` (the framework's own limit applies). For a framework that parses the
   * body itself before `admit()` runs (Fastify).
   */
  formBodyLimit(view: Pick<RequestView, 'method' | 'csrf' | 'header'>): number | undefined
}

/**
 * The one request lifecycle every adapter shares: option resolution at startup, then,
 * per request, `open` → `admit` → the handler → `finish`. Adapters only translate their
 * framework's request and response to and from it (see `docs/architecture.md`).
 *
 * @throws {@link ConfigError} `CONFIG_INVALID` with an exact message for a bad option.
 * @example
 * ```ts
 * const lifecycle = createRequestLifecycle(manager, { csrf: true, trustProxy: true })
 * async function handle(request: Request): Promise<Response> {
 *   const scope = lifecycle.open({
 *     method: request.method, url: request.url,
 *     header: (name) => request.headers.get(name), headers: () => request.headers,
 *     body: () => request.clone(),
 *   })
 *   if (scope instanceof Response) return scope
 *   const response = (await scope.admit()) ?? (await app(request, scope.session))
 *   const done = await scope.finish({ status: response.status })
 *   if (done === undefined || done instanceof Response) return done ?? response
 *   // A copy when the headers are immutable (Response.redirect()): setting them throws.
 *   return editResponseHeaders(response, (headers) => writeSessionHeaders(headers, done))
 * }
 * ```
 */
export function createRequestLifecycle<U extends AuthUser = AuthUser>(
  manager: SessionManager,
  options: LifecycleOptions<U> = {},
): RequestLifecycle<U> {
  if (manager === undefined || manager === null || typeof manager.open !== 'function') {
    throw new ConfigError('a SessionManager is required')
  }
  if (options.trustProxy !== undefined && typeof options.trustProxy !== 'boolean') {
    throw new ConfigError('trustProxy must be true or false')
  }
  const shared = options.sharedSessions
  if (shared !== undefined && typeof shared?.handle !== 'function') {
    throw new ConfigError('sharedSessions must be a SharedSessions instance')
  }
  const config: LifecycleConfig<U> = {
    manager,
    trustProxy: options.trustProxy ?? false,
    csrf:
      options.csrf === undefined
        ? undefined
        : resolveCsrfOptions(options.csrf === true ? {} : options.csrf),
    bodyLimit: resolveBodyLimit(options.bodyLimit),
    sharedPrefix: shared === undefined ? undefined : `${shared.path}/`,
    shared,
    users: options.users,
    loginRequired:
      options.loginRequired === undefined
        ? undefined
        : resolveLoginRequired(options.loginRequired, options.users),
  }
  const hosts =
    options.allowedHosts === undefined ? undefined : resolveAllowedHosts(options.allowedHosts)
  const jwks =
    options.jwks === undefined
      ? undefined
      : resolveJwksOptions(options.jwks === true ? {} : options.jwks)

  return Object.freeze({
    formBodyLimit: (view: Pick<RequestView, 'method' | 'csrf' | 'header'>) =>
      config.csrf !== undefined &&
      view.csrf !== false &&
      !SAFE_METHODS.has(view.method) &&
      isFormContentType(view.header('content-type'))
        ? config.bodyLimit
        : undefined,
    open(view: RequestView): RequestScope<U> | Response {
      if (hosts && !(view.host === undefined ? hosts.allowsUrl(view.url) : hosts.allows(view.host)))
        return disallowedHostResponse()
      if (
        jwks &&
        (view.method === 'GET' || view.method === 'HEAD') &&
        (view.path ?? pathOf(view.url)) === jwks.path
      ) {
        return jwksResponse(manager, jwks)
      }
      const { secure, ip } = proxyView(view.header, config.trustProxy, {
        secure: view.url.startsWith('https:'),
        ip: view.ip,
      })
      const session = manager.open({
        cookie: view.header('cookie'),
        header: view.header,
        secure,
        // No userAgent: read through `header` only when a session is created.
        ip,
      })
      return new LifecycleScope(config, view, session, secure, ip)
    },
  })
}
