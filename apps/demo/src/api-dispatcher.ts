import type { Session } from '@tessera/core'
import { DEFAULT_BODY_LIMIT } from '@tessera/core'
import type { ApiHandler, ApiRequest, ApiRoutes } from './api-handler.js'
import { BodyTooLarge } from './body-too-large.js'

/** What an adapter binding hands {@link createApiDispatcher}'s function for one request. */
export interface ApiInput {
  method: string
  /**
   * The request target as received, `/api/login/?next=%2F` (Node's `req.url`), or the
   * absolute URL (a Web `Request`'s `url`). Nothing is decoded before matching.
   */
  url: string
  header(name: string): string | undefined
  /**
   * The raw body as text (read once, when a handler asks for JSON), or `undefined` when
   * it is longer than `limit` bytes — by its `Content-Length` or as counted while
   * reading, which then stops (the binding reads through the core's `readBoundedBody`).
   */
  text(limit: number): Promise<string | undefined>
  session: Session
  remoteAddress: string | undefined
}

/** The answer ready to write: every binding sends exactly these bytes and headers. */
export interface ApiOutput {
  status: number
  /**
   * `content-type`, `x-content-type-options: nosniff` and `cache-control: no-store` first,
   * then the handler's headers.
   */
  headers: [string, string][]
  body: string
}

/** Options of {@link createApiDispatcher}. */
export interface ApiDispatcherOptions {
  /**
   * The client address for throttling. By default the address the adapter's session
   * middleware decided on (the last `X-Forwarded-For` entry under its `trustProxy`, else
   * the socket's peer), or `'unknown'`.
   */
  clientIp?: (request: Omit<ApiRequest, 'clientIp'>) => string
}

interface CompiledRoute {
  method: string
  segments: string[]
  handler: ApiHandler
}

const CONTENT_TYPE: [string, string] = ['content-type', 'application/json']
// An API answer is data, never a page: browsers must not sniff it into HTML.
const NOSNIFF: [string, string] = ['x-content-type-options', 'nosniff']
// Every answer depends on the session (the user, their sessions, their cart): no cache may
// keep it (ASVS V8.2.1). Without it a 200 is heuristically cacheable (RFC 9111 §4.2.2), and
// `Vary: Cookie` alone does not stop a browser's disk cache or a cache that ignores Vary.
// The session middleware may still make it `private, no-store` (header tokens).
const NO_STORE: [string, string] = ['cache-control', 'no-store']

/**
 * Turns the demo's route table into one function every adapter binding calls for each
 * request under `/api`: it matches `METHOD /path` (with `:name` segments; `HEAD` runs
 * the `GET` handler), answers `405` with `Allow` for a known path under another method
 * and `404 {"detail": "Not found"}` for an unknown one, runs the handler and serializes
 * its {@link ApiResult} as JSON. The routing is done here, not by the framework, so the
 * 404/405 rules and trailing-slash handling are the same on every adapter.
 *
 * @example
 * ```ts
 * const dispatch = createApiDispatcher(createApi(deps))
 * app.all('/api/*', async (c) => {
 *   const out = await dispatch({ method: c.req.method, url: c.req.url, … })
 *   return c.body(out.body, out.status, Object.fromEntries(out.headers))
 * })
 * ```
 */
export function createApiDispatcher(
  routes: ApiRoutes,
  options: ApiDispatcherOptions = {},
): (input: ApiInput) => Promise<ApiOutput> {
  const compiled: CompiledRoute[] = Object.entries(routes).map(([key, handler]) => {
    const space = key.indexOf(' ')
    return {
      method: key.slice(0, space).toUpperCase(),
      segments: key.slice(space + 1).split('/'),
      handler,
    }
  })
  // Routes without `:param` segments by their exact path: most requests find theirs in
  // one lookup instead of matching every route's segments.
  const fixed = new Map<string, CompiledRoute[]>()
  const withParams: CompiledRoute[] = []
  for (const route of compiled) {
    if (route.segments.some((s) => s.startsWith(':'))) withParams.push(route)
    else {
      const path = route.segments.join('/')
      fixed.set(path, [...(fixed.get(path) ?? []), route])
    }
  }
  const clientIp =
    options.clientIp ??
    ((request: Omit<ApiRequest, 'clientIp'>) =>
      request.session.client.ip ?? request.remoteAddress ?? 'unknown')

  return async function dispatchApi(input) {
    const method = input.method.toUpperCase()
    const wanted = method === 'HEAD' ? 'GET' : method
    const { path, search } = splitTarget(input.url)
    const allowed: string[] = []
    let found: { route: CompiledRoute; params: Record<string, string> } | undefined
    for (const route of fixed.get(path) ?? []) {
      if (route.method === wanted) found = { route, params: {} }
      else allowed.push(route.method)
    }
    if (found === undefined && withParams.length > 0) {
      const segments = path.split('/')
      for (const route of withParams) {
        const params = match(route.segments, segments)
        if (params === undefined) continue
        if (route.method !== wanted) allowed.push(route.method)
        else {
          found = { route, params }
          break
        }
      }
    }
    if (found !== undefined) {
      const request = new DispatchedRequest(method, path, search, found.params, input, clientIp)
      const result = await found.route.handler(request)
      return {
        status: result.status,
        headers: [CONTENT_TYPE, NOSNIFF, NO_STORE, ...Object.entries(result.headers ?? {})],
        body: JSON.stringify(result.body),
      }
    }
    // Django's require_POST and friends: a known path under another method is a 405,
    // never run as something else.
    if (allowed.length > 0) {
      return {
        status: 405,
        headers: [CONTENT_TYPE, NOSNIFF, NO_STORE, ['Allow', allowed.join(', ')]],
        body: JSON.stringify({ detail: `Method "${input.method}" not allowed.` }),
      }
    }
    return {
      status: 404,
      headers: [CONTENT_TYPE, NOSNIFF, NO_STORE],
      body: JSON.stringify({ detail: 'Not found' }),
    }
  }
}

/** Path and query of a request target or an absolute URL. */
function splitTarget(url: string): { path: string; search: string } {
  // An absolute URL's path starts at the first '/' after its scheme's '//'.
  const start = url.startsWith('/') ? 0 : url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return { path: '/', search: '' }
  const query = url.indexOf('?', start)
  return query === -1
    ? { path: url.slice(start), search: '' }
    : { path: url.slice(start, query), search: url.slice(query) }
}

/** The `:name` params when `pattern` matches `path` segment by segment, else undefined. */
function match(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined
  let params: Record<string, string> | undefined
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string
    const got = path[i] as string
    if (want.startsWith(':')) {
      if (got === '') return undefined
      let value: string
      try {
        value = decodeURIComponent(got)
      } catch {
        // Malformed percent-encoding: no route of ours has such a segment.
        return undefined
      }
      params ??= {}
      params[want.slice(1)] = value
    } else if (want !== got) {
      return undefined
    }
  }
  return params ?? {}
}

/**
 * The {@link ApiRequest} a handler gets. A class, not an object literal with getters: V8
 * gives each getter of such a literal an `AccessorPair` allocated in the old generation,
 * which keeps the getter's closure, and the request it captures, alive past every
 * scavenge until a full collection. Under load the demo spent its time collecting them
 * (bench/README.md, "The demo's garbage collection").
 */
class DispatchedRequest implements ApiRequest {
  readonly header: (name: string) => string | undefined
  readonly session: Session
  readonly #search: string
  readonly #input: ApiInput
  readonly #clientIp: (request: Omit<ApiRequest, 'clientIp'>) => string
  #query: URLSearchParams | undefined
  #body: Promise<unknown> | undefined
  #client: string | undefined

  constructor(
    readonly method: string,
    readonly path: string,
    search: string,
    readonly params: Readonly<Record<string, string>>,
    input: ApiInput,
    clientIp: (request: Omit<ApiRequest, 'clientIp'>) => string,
  ) {
    this.header = input.header
    this.session = input.session
    this.#search = search
    this.#input = input
    this.#clientIp = clientIp
  }

  // Parsed when a handler asks: most answer without reading the query.
  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.#search)
    return this.#query
  }

  json(): Promise<unknown> {
    this.#body ??= this.#input.text(DEFAULT_BODY_LIMIT).then((text) => {
      if (text === undefined) throw new BodyTooLarge()
      return JSON.parse(text) as unknown
    })
    return this.#body
  }

  // Read when asked, as the query: only the throttled and audited routes need them.
  get remoteAddress(): string | undefined {
    return this.#input.remoteAddress
  }

  get clientIp(): string {
    this.#client ??= this.#clientIp(this)
    return this.#client
  }
}
