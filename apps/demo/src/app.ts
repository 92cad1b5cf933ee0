import type { SessionManager } from '@tessera/core'
import { csrf, type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'
import { type ApiDeps, createApi } from './api.js'

/** Everything the demo app is built from. */
export interface AppDeps extends ApiDeps {
  manager: SessionManager
  /** Exact origins allowed to send unsafe requests besides the app's own. */
  trustedOrigins?: string[]
}

/** The demo's HTTP app (API only; `main.ts` adds the SPA), independent of how it is served. */
export function createApp(deps: AppDeps): Hono<SessionEnv> {
  const app = new Hono<SessionEnv>()
  app.use(session(deps.manager))
  app.use(csrf({ trustedOrigins: deps.trustedOrigins ?? [] }))
  app.route('/api', createApi(deps))
  return app
}
