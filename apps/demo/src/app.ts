import type { CsrfOptions, SessionManager } from '@tessera/core'
import { type SessionEnv, session, storeErrorHandler } from '@tessera/hono'
import { Hono } from 'hono'
import { type ApiDeps, createApi } from './api.js'
import { createApiDispatcher } from './api-dispatcher.js'
import { honoApi, remoteAddress } from './hono-api.js'

/** Everything the demo app is built from, whatever the adapter. */
export interface AppDeps extends ApiDeps {
  manager: SessionManager
  /** Exact origins allowed to send unsafe requests besides the app's own. */
  trustedOrigins?: string[]
  /**
   * The hosts the app answers for (Django's `ALLOWED_HOSTS`, see `config.ts`), passed
   * to every adapter's session middleware: any other `Host` gets `400` first.
   * @default undefined (every host: tests that build the app without it)
   */
  allowedHosts?: readonly string[]
  /**
   * Behind a TLS-terminating proxy (`TRUST_PROXY`, see `config.ts`): every adapter's
   * session middleware believes `X-Forwarded-Proto` and `X-Forwarded-For`, and its CSRF
   * check, shared-session routes and the throttle's client address follow.
   * @default false
   */
  trustProxy?: boolean
  /**
   * The `csrftoken` cookie's options (`HOST_COOKIES`: `__Host-csrftoken`, always Secure).
   * @default undefined (`csrftoken`, Secure on HTTPS)
   */
  csrfCookie?: CsrfOptions['cookie']
}

/**
 * The CSRF options every adapter's session entry point takes alike (its `csrf` option):
 * the trusted origins and the `csrftoken` cookie's name and `Secure`.
 *
 * @example
 * ```ts
 * session(manager, { csrf: csrfOptions(deps), ...deploymentOptions(deps) })
 * ```
 */
export function csrfOptions(deps: Pick<AppDeps, 'trustedOrigins' | 'csrfCookie'>): CsrfOptions {
  return {
    trustedOrigins: deps.trustedOrigins ?? [],
    ...(deps.csrfCookie === undefined ? {} : { cookie: deps.csrfCookie }),
  }
}

/**
 * The deployment options every adapter's session middleware takes alike:
 * `{ allowedHosts, trustProxy }`, each only when the deps set it
 * (`exactOptionalPropertyTypes` forbids passing `undefined`).
 *
 * @example
 * ```ts
 * session(manager, { clientIp, ...deploymentOptions(deps) })
 * ```
 */
export function deploymentOptions(deps: Pick<AppDeps, 'allowedHosts' | 'trustProxy'>): {
  allowedHosts?: readonly string[]
  trustProxy?: boolean
} {
  return {
    ...(deps.allowedHosts === undefined ? {} : { allowedHosts: deps.allowedHosts }),
    ...(deps.trustProxy === undefined ? {} : { trustProxy: deps.trustProxy }),
  }
}

/**
 * The demo's HTTP app on Hono (API only; `main.ts` adds the SPA), independent of how it
 * is served. `express-app.ts`, `fastify-app.ts` and `fetch-app.ts` build the same API on
 * the other adapters.
 */
export function createApp(deps: AppDeps): Hono<SessionEnv> {
  const app = new Hono<SessionEnv>()
  // A store outage answers 503 without a stack per request; the manager's
  // StoreOutageLog (main.ts) reports the outage itself in a few lines.
  app.onError(storeErrorHandler())
  // The address is recorded on new sessions for "your sessions".
  app.use(
    session(deps.manager, {
      clientIp: remoteAddress,
      ...deploymentOptions(deps),
      csrf: csrfOptions(deps),
    }),
  )
  const api = honoApi(createApiDispatcher(createApi(deps), deps))
  app.all('/api', api)
  app.all('/api/*', api)
  return app
}
