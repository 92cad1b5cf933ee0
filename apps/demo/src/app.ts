import type { SessionManager } from '@tessera/core'
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
}

/**
 * `{ allowedHosts }` when the deps set it, else nothing: `exactOptionalPropertyTypes`
 * forbids passing `undefined`, and every adapter's option takes the same list.
 *
 * @example
 * ```ts
 * session(manager, { clientIp, ...hostsOption(deps) })
 * ```
 */
export function hostsOption(deps: Pick<AppDeps, 'allowedHosts'>): {
  allowedHosts?: readonly string[]
} {
  return deps.allowedHosts === undefined ? {} : { allowedHosts: deps.allowedHosts }
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
      ...hostsOption(deps),
      csrf: { trustedOrigins: deps.trustedOrigins ?? [] },
    }),
  )
  const api = honoApi(createApiDispatcher(createApi(deps), deps))
  app.all('/api', api)
  app.all('/api/*', api)
  return app
}
