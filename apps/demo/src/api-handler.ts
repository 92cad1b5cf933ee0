import type { Session } from '@tessera/core'

/**
 * What a demo API handler sees of its request, the same under every adapter (Hono,
 * Express, Fastify, `@tessera/web`). The adapter binding builds it; handlers never see
 * the framework's own request object, so one route table runs everywhere.
 *
 * By the time a handler runs, the adapter's session middleware opened `session` and its
 * CSRF middleware already accepted every unsafe request.
 *
 * @example
 * ```ts
 * const hello: ApiHandler = async (request) => {
 *   const name = request.query.get('name') ?? 'you'
 *   return json({ message: `Hello ${name}`, from: request.clientIp })
 * }
 * ```
 */
export interface ApiRequest {
  /** The method on the wire, upper case (`HEAD` reaches `GET` handlers). */
  readonly method: string
  /** The URL path, e.g. `/api/login/` (not decoded). */
  readonly path: string
  /** The `:name` segments of the matched route, percent-decoded. */
  readonly params: Readonly<Record<string, string>>
  /** The query string, parsed as `URLSearchParams` parses it. */
  readonly query: URLSearchParams
  /** A request header by (case-insensitive) name; the first one if repeated. */
  header(name: string): string | undefined
  /**
   * The body parsed as JSON; rejects when it is not JSON. It does not check the
   * Content-Type: a handler that needs JSON checks that itself (see `login`).
   */
  json(): Promise<unknown>
  /** The request's lazy Tessera session. */
  readonly session: Session
  /** The client address for throttling: `ApiDeps.clientIp`, else the socket's address. */
  readonly clientIp: string
  /** The peer address of the socket, when the runtime exposes one. */
  readonly remoteAddress: string | undefined
}

/**
 * What a handler answers: a status, a JSON body and extra headers. The binding writes it
 * with `Content-Type: application/json` and the body as `JSON.stringify` prints it, so
 * every adapter sends the same bytes.
 *
 * @example
 * ```ts
 * const tooMany: ApiResult = { status: 429, body: { detail: 'Slow down.' }, headers: { 'Retry-After': '60' } }
 * ```
 */
export interface ApiResult {
  status: number
  body: unknown
  headers?: Readonly<Record<string, string>>
}

/**
 * One endpoint of the demo API: a plain async function from {@link ApiRequest} to
 * {@link ApiResult}. Throwing a `StoreError` is fine: every adapter answers it `503`.
 *
 * @example
 * ```ts
 * const me: ApiHandler = async ({ session }) => json({ userId: await session.getUserId() })
 * ```
 */
export type ApiHandler = (request: ApiRequest) => ApiResult | Promise<ApiResult>

/**
 * The demo API's route table: `'METHOD /path'` → handler. Paths are full paths from the
 * site root, with `:name` for a path segment (`'DELETE /api/sessions/:id/'`). A path
 * known under another method answers `405` with `Allow`; an unknown path under `/api`
 * answers `404 {"detail": "Not found"}`.
 *
 * @example
 * ```ts
 * const routes: ApiRoutes = {
 *   'GET /api/ping/': () => json({ pong: true }),
 * }
 * ```
 */
export type ApiRoutes = Readonly<Record<`${string} /${string}`, ApiHandler>>

/**
 * A JSON answer: `json(body)` is a `200`, `json(body, 401)` any other status.
 *
 * @example
 * ```ts
 * return json({ detail: 'Invalid username or password.' }, 401)
 * ```
 */
export function json(
  body: unknown,
  status = 200,
  headers?: Readonly<Record<string, string>>,
): ApiResult {
  return headers === undefined ? { status, body } : { status, body, headers }
}

/**
 * The answer to an anonymous request on a route that needs a user (DRF answers 403
 * there; see docs/guides/migrating-from-django.md), byte for byte what the adapters' `requireUser` sends: `401 {"detail": "Authentication credentials were
 * not provided."}` with `WWW-Authenticate: Session`.
 *
 * @example
 * ```ts
 * const user = await getSessionUser(request.session, users)
 * if (!user) return notAuthenticated()
 * ```
 */
export function notAuthenticated(): ApiResult {
  return json({ detail: 'Authentication credentials were not provided.' }, 401, SESSION_CHALLENGE)
}

/**
 * The `WWW-Authenticate` of the demo's 401 answers (RFC 9110 §15.5.2 requires one on
 * every 401): the `Session` scheme, i.e. "log in to get a session".
 *
 * @example
 * ```ts
 * return json({ detail: 'Invalid username or password.' }, 401, SESSION_CHALLENGE)
 * ```
 */
export const SESSION_CHALLENGE: Readonly<Record<string, string>> = Object.freeze({
  'WWW-Authenticate': 'Session',
})
