import { withSession } from '@tessera/web'
import { createApi } from './api.js'
import { createApiDispatcher } from './api-dispatcher.js'
import { type AppDeps, csrfOptions, deploymentOptions } from './app.js'
import { boundedText } from './hono-api.js'

/**
 * The demo API as one Web-standard fetch handler with `@tessera/web` (`withSession` with
 * `csrf`), for `Bun.serve`, `Deno.serve`, a Next.js catch-all route handler or
 * `@hono/node-server`'s `serve({ fetch })`. Requests outside `/api` get the API's JSON
 * 404. `remoteAddress` reads the client's address from the runtime's extra arguments.
 *
 * @example
 * ```ts
 * const fetch = createFetchApp(deps, (_request, server) => server.requestIP(_request)?.address)
 * Bun.serve({ fetch })
 * ```
 */
export function createFetchApp<Rest extends unknown[] = []>(
  deps: AppDeps,
  remoteAddress?: (request: Request, ...rest: Rest) => string | undefined,
): (request: Request, ...rest: Rest) => Promise<Response> {
  const dispatch = createApiDispatcher(createApi(deps), deps)
  return withSession<Rest>(
    deps.manager,
    async (request, { session }, ...rest) => {
      const out = await dispatch({
        method: request.method,
        url: request.url,
        header: (name) => request.headers.get(name) ?? undefined,
        text: (limit) => boundedText(request, limit),
        session,
        remoteAddress: remoteAddress?.(request, ...rest),
      })
      return new Response(out.body, { status: out.status, headers: out.headers })
    },
    {
      csrf: csrfOptions(deps),
      clientIp: remoteAddress,
      ...deploymentOptions(deps),
    },
  )
}
