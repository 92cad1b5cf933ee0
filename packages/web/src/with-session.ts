import {
  bindRequestView,
  bodyTooLargeResponse,
  type CsrfOptions,
  checkCsrf,
  commitResponse,
  csrfFailureResponse,
  disallowedHostResponse,
  type ProxyOptions,
  pendingCsrfCookie,
  proxyView,
  readFormField,
  resolveAllowedHosts,
  resolveBodyLimit,
  resolveCsrfOptions,
  type Session,
  type SessionManager,
  StoreError,
  storeUnavailableResponse,
  writeSessionHeaders,
} from '@tessera/core'
import { editResponseHeaders } from './lib/edit-response-headers.js'

/** What a wrapped handler receives as its second argument. */
export interface SessionContext {
  /** The request's session: lazy, so a handler that never awaits it costs nothing. */
  session: Session
}

/**
 * A Web-standard handler with a session: the request, the {@link SessionContext}, then
 * whatever else the runtime passed (Next.js `{ params }`, Bun's `server`, Deno's `info`,
 * a worker's `env` and `ctx`).
 */
export type SessionHandler<Rest extends unknown[] = []> = (
  request: Request,
  context: SessionContext,
  ...rest: Rest
) => Response | Promise<Response>

/** Options of {@link withSession}. */
export interface WithSessionOptions<Rest extends unknown[] = []> extends ProxyOptions {
  /**
   * Client address to record on new sessions, from the request and the runtime's extra
   * arguments, e.g. `(req, server) => server.requestIP(req)?.address` on Bun.
   */
  clientIp?: (request: Request, ...rest: Rest) => string | null | undefined
  /**
   * Django's CSRF protection, bound to the session: `true` for the defaults, or the core
   * {@link CsrfOptions}. Unsafe methods (anything but GET, HEAD, OPTIONS, TRACE) then need
   * a masked token in `X-CSRFToken` or the `csrfmiddlewaretoken` form field, and pass the
   * Fetch Metadata / Origin / Referer checks; a refused request gets `403` JSON and the
   * handler does not run.
   * @default undefined (no CSRF check)
   */
  csrf?: CsrfOptions | true
  /**
   * With `csrf`: most bytes of a form body (`application/x-www-form-urlencoded`,
   * `multipart/form-data`) read for the `csrfmiddlewaretoken` field on an unsafe request.
   * A larger one — by its `Content-Length`, or counted as it streams — is answered
   * `413 {"detail": …, "code": "BODY_TOO_LARGE"}` before the CSRF check and the handler,
   * and the rest is never read.
   * @default 65536 (64 KiB)
   */
  bodyLimit?: number
  /**
   * The hosts the app answers for (Django's `ALLOWED_HOSTS`): `"name"` (any port),
   * `"name:port"` or `"[ipv6]"`, exact, case-insensitive. A request whose URL host (its
   * `Host` header) is another gets `400 {"detail": "Invalid Host header.", "code":
   * "DISALLOWED_HOST"}` before anything else runs: the CSRF Origin check trusts the
   * request's own origin, which comes from that header. A bad entry throws `ConfigError`.
   * @default undefined (every host; set it in production)
   */
  allowedHosts?: readonly string[]
}

// RFC 9110 §9.2.1 safe methods: never CSRF-checked, so their bodies are never read here.
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/**
 * Sessions for any Web-standard `fetch` handler: Next.js route handlers, `Bun.serve`,
 * `Deno.serve`, Cloudflare-style workers. The handler gets a lazy {@link Session} on
 * `context.session`; afterwards the session is saved and `Set-Cookie`, `Vary: Cookie` and
 * `Cache-Control: no-store` are added as needed (to a copy when the response's headers
 * are immutable, as after `Response.redirect()`). As in Django, nothing is saved (and
 * no session cookie set) when the handler answers a 5xx or throws. A
 * {@link StoreError} — from the handler or while saving — answers
 * `503 {"detail": …, "code": "STORE_…"}`; any other error is rethrown unchanged to the
 * caller (the runtime, or your own `try`/`catch`).
 *
 * Options are checked here, at startup: a bad `csrf` option throws `ConfigError`.
 *
 * @example
 * ```ts
 * const sessions = new SessionManager({ store, secret })
 * const handler = withSession(sessions, async (request, { session }) => {
 *   const visits = ((await session.get<number>('visits')) ?? 0) + 1
 *   await session.set('visits', visits)
 *   return Response.json({ visits })
 * })
 * Bun.serve({ fetch: handler })
 * ```
 */
export function withSession<Rest extends unknown[] = []>(
  manager: SessionManager,
  handler: SessionHandler<Rest>,
  options: WithSessionOptions<Rest> = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  const trustProxy = options.trustProxy ?? false
  const clientIp = options.clientIp
  const csrf =
    options.csrf === undefined
      ? undefined
      : resolveCsrfOptions(options.csrf === true ? {} : options.csrf)
  const bodyLimit = resolveBodyLimit(options.bodyLimit)
  const hosts =
    options.allowedHosts === undefined ? undefined : resolveAllowedHosts(options.allowedHosts)
  return async function tesseraSession(request, ...rest) {
    if (hosts && !hosts.allowsUrl(request.url)) return disallowedHostResponse()
    const header = (name: string) => request.headers.get(name)
    const view = proxyView(header, trustProxy, {
      secure: request.url.startsWith('https:'),
      ip: clientIp?.(request, ...rest),
    })
    const { secure } = view
    const session = manager.open({
      cookie: request.headers.get('cookie'),
      header,
      secure,
      userAgent: request.headers.get('user-agent'),
      ip: view.ip,
    })
    bindRequestView(session, view)
    let response: Response
    try {
      if (csrf) {
        let bodyToken: string | undefined
        if (!SAFE_METHODS.has(request.method) && !request.bodyUsed) {
          // Read (bounded) before the check: an oversize form is refused for its size
          // alone, never parsed whole. A clone, so the handler can still read the body.
          const form = await readFormField(request.clone(), csrf.formField, bodyLimit)
          if (form.tooLarge) return bodyTooLargeResponse()
          bodyToken = form.value
        }
        const failure = await checkCsrf(
          {
            // The method on the wire; method-override headers and fields are never read.
            method: request.method,
            url: request.url,
            headers: request.headers,
            secure,
            bodyToken: async () => bodyToken,
          },
          session,
          csrf,
        )
        // Refused before the handler ran, so there is nothing to save.
        if (failure) return csrfFailureResponse(failure)
      }
      response = await handler(request, { session }, ...rest)
    } catch (e) {
      if (e instanceof StoreError) return storeUnavailableResponse(e)
      throw e
    }
    const result = await commitResponse(manager, session, response.status)
    if (result === undefined || result instanceof Response) return result ?? response
    const owed = { commit: result, csrfCookie: csrf && pendingCsrfCookie(session, secure, csrf) }
    return editResponseHeaders(response, (headers) => writeSessionHeaders(headers, owed))
  }
}
