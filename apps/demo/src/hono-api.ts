import { getConnInfo } from '@hono/node-server/conninfo'
import { readBoundedBody, type Session } from '@tessera/core'
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
    const out = await dispatch(new HonoApiInput(c))
    // A plain headers object, not `c.body()` (which builds Web `Headers` for more than
    // one): on @hono/node-server the answer stays on the server's plain-object path,
    // and the session middleware adds its headers there too.
    return new Response(out.body, { status: out.status, headers: Object.fromEntries(out.headers) })
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

/**
 * What {@link honoApi} hands the dispatcher for one request. A class rather than an
 * object literal with a getter, whose old-generation `AccessorPair` would keep the
 * request alive past the young generation (see `DispatchedRequest`).
 */
class HonoApiInput implements ApiInput {
  readonly method: string
  readonly url: string
  readonly session: Session
  readonly #c: Context<SessionEnv>

  constructor(c: Context<SessionEnv>) {
    this.method = c.req.method
    this.url = c.req.url
    // c.get, not c.var: c.var builds an object of every variable on each read.
    this.session = c.get('session')
    this.#c = c
  }

  // An arrow property: the dispatcher hands `header` to handlers unbound.
  readonly header = (name: string): string | undefined => this.#c.req.header(name)

  text(limit: number): Promise<string | undefined> {
    return boundedText(this.#c.req.raw, limit)
  }

  // Looked up only when a route reads it (the dispatcher reads it lazily too).
  get remoteAddress(): string | undefined {
    return remoteAddress(this.#c)
  }
}
