import { getConnInfo } from '@hono/node-server/conninfo'
import { readBoundedBody } from '@tessera/core'
import type { SessionEnv } from '@tessera/hono'
import type { Context, Handler } from 'hono'
import type { ApiInput, ApiOutput } from './api-dispatcher.js'

/**
 * The Hono binding of the demo API: a handler for `app.all('/api/*', …)` that hands the
 * request to the framework-independent dispatcher and writes its answer. Needs
 * `session()` (with its `csrf` option) from `@tessera/hono` in front.
 *
 * @example
 * ```ts
 * app.all('/api/*', honoApi(createApiDispatcher(createApi(deps))))
 * ```
 */
export function honoApi(dispatch: (input: ApiInput) => Promise<ApiOutput>): Handler<SessionEnv> {
  return async (c) => {
    const out = await dispatch({
      method: c.req.method,
      url: c.req.url,
      header: (name) => c.req.header(name),
      text: (limit) => boundedText(c.req.raw, limit),
      // c.get, not c.var: c.var builds an object of every variable on each read.
      session: c.get('session'),
      // Looked up only when a route reads it (the dispatcher reads it lazily too).
      get remoteAddress() {
        return remoteAddress(c)
      },
    })
    return c.body(out.body, out.status as 200, Object.fromEntries(out.headers))
  }
}

/**
 * The socket's peer under @hono/node-server; none under `app.request()` in tests.
 *
 * @example
 * ```ts
 * app.use(session(manager, { clientIp: remoteAddress }))
 * ```
 */
export function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address
  } catch {
    return undefined
  }
}

/**
 * A Web request's body as UTF-8 text, or `undefined` past `limit` bytes (see
 * `ApiInput.text`). Shared by the Hono and fetch bindings.
 *
 * @example
 * ```ts
 * const text = await boundedText(request, 64 * 1024)
 * ```
 */
export async function boundedText(
  request: { headers: Headers; body: ReadableStream<Uint8Array> | null },
  limit: number,
): Promise<string | undefined> {
  const body = await readBoundedBody(request, limit)
  return body.tooLarge ? undefined : new TextDecoder().decode(body.bytes)
}
