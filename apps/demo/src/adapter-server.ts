import { createServer, type IncomingMessage, type RequestListener } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import type { AppDeps } from './app.js'
import { createExpressApp } from './express-app.js'
import { createFastifyApp } from './fastify-app.js'
import { createFetchApp } from './fetch-app.js'

/** The adapters the demo API can run on (`DEMO_ADAPTER`). */
export const DEMO_ADAPTERS = ['hono', 'express', 'fastify', 'web'] as const

/** One of {@link DEMO_ADAPTERS}. */
export type DemoAdapter = (typeof DEMO_ADAPTERS)[number]

/**
 * The `@hono/node-server` `serve()` options that put the demo API on `adapter`: for
 * `hono` none (the Hono app serves everything); otherwise a `createServer` whose
 * listener sends `/api` and `/api/…` to the API built on Express, Fastify or the
 * `@tessera/web` fetch handler, and everything else (the SPA) to the Hono app as before.
 * Both halves share `deps.manager`, so one session spans the SPA and the API.
 *
 * @example
 * ```ts
 * serve({ fetch: app.fetch, port: 3000, ...(await adapterServer('express', deps)) })
 * ```
 */
export async function adapterServer(
  adapter: DemoAdapter,
  deps: AppDeps,
): Promise<{ createServer?: typeof createServer }> {
  if (adapter === 'hono') return {}
  const api = await apiListener(adapter, deps)
  const split =
    (spa: RequestListener): RequestListener =>
    (req, res) => {
      const url = req.url ?? '/'
      const isApi = url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')
      return (isApi ? api : spa)(req, res)
    }
  const create = ((options: object, spa: RequestListener) =>
    createServer(options, split(spa))) as unknown as typeof createServer
  return { createServer: create }
}

async function apiListener(
  adapter: Exclude<DemoAdapter, 'hono'>,
  deps: AppDeps,
): Promise<RequestListener> {
  switch (adapter) {
    case 'express':
      return createExpressApp(deps) as unknown as RequestListener
    case 'fastify': {
      const app = await createFastifyApp(deps)
      return (req, res) => app.routing(req, res)
    }
    case 'web': {
      const fetch = createFetchApp<[{ incoming: IncomingMessage }]>(
        deps,
        (_request, env) => env.incoming.socket.remoteAddress,
      )
      return getRequestListener((request, env) =>
        fetch(request, env as { incoming: IncomingMessage }),
      )
    }
  }
}
