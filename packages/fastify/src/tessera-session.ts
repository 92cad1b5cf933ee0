import { Transform } from 'node:stream'
import {
  type AuthUser,
  bindRequestView,
  bodyTooLargeResponse,
  ConfigError,
  type CsrfOptions,
  checkCsrf,
  commitResponse,
  csrfFailureResponse,
  disallowedHostResponse,
  headersFromRecord,
  isFormContentType,
  type ProxyOptions,
  parsedFormField,
  pendingCsrfCookie,
  proxyView,
  requestViewOf,
  resolveAllowedHosts,
  resolveBodyLimit,
  resolveCsrfOptions,
  type Session,
  type SessionManager,
  StoreError,
  storeUnavailableResponse,
  type Session as TesseraSession,
  writeSessionHeaders,
} from '@tessera/core'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { replaceReply, replyHeaderWriter } from './lib/reply-headers.js'
import { header, requestUrl } from './lib/request-security.js'

// Inside `declare module 'fastify'`, a bare `Session` would name the `Session` interface
// other plugins (@fastify/session) declare there, hence the alias.
declare module 'fastify' {
  interface FastifyRequest {
    /** The request's lazy Tessera session, opened by {@link tesseraSession}. */
    session: TesseraSession
    /** The logged-in user on routes guarded by `requireUser`, else `null`. */
    user: AuthUser | null
  }
  interface FastifyContextConfig {
    /**
     * `false` exempts the route from the plugin's CSRF check (a webhook, a login form
     * that sets its own protection). Any other value keeps the check.
     */
    csrf?: boolean
  }
}

/** Options of {@link tesseraSession}. */
export interface TesseraSessionOptions extends ProxyOptions {
  /** The manager that opens and saves sessions; one per process, over a shared store. */
  manager: SessionManager
  /**
   * Django's CSRF protection, bound to the session, on every route: `true` for the
   * defaults, or the core {@link CsrfOptions}. Unsafe methods (anything but GET, HEAD,
   * OPTIONS, TRACE) then need a masked token in `X-CSRFToken` or the
   * `csrfmiddlewaretoken` form field, and pass the Fetch Metadata / Origin / Referer
   * checks; a refused request gets `403` JSON and the handler does not run. A route
   * opts out with `config: { csrf: false }`.
   * @default undefined (no CSRF check)
   */
  csrf?: CsrfOptions | true
  /**
   * Client address recorded on new sessions. Without the plugin's `trustProxy`, this
   * and `request.protocol` decide, and both already honour Fastify's own `trustProxy`
   * server option.
   * @default (request) => request.ip
   */
  clientIp?: (request: FastifyRequest) => string | null | undefined
  /**
   * With `csrf`: most bytes of a form body (`application/x-www-form-urlencoded`,
   * `multipart/form-data`) on a CSRF-checked unsafe request. A larger one — by its
   * `Content-Length`, or counted as it streams into the body parser — is answered
   * `413 {"detail": …, "code": "BODY_TOO_LARGE"}` before the CSRF check and the handler,
   * and the rest is never read. Other bodies keep Fastify's own `bodyLimit`.
   * @default 65536 (64 KiB)
   */
  bodyLimit?: number
  /**
   * The hosts the app answers for (Django's `ALLOWED_HOSTS`): `"name"` (any port),
   * `"name:port"` or `"[ipv6]"`, exact, case-insensitive, matched against
   * `request.host` (the `Host` header, or `X-Forwarded-Host` when Fastify's own
   * `trustProxy` trusts the sender). Any other host gets
   * `400 {"detail": "Invalid Host header.", "code": "DISALLOWED_HOST"}` before anything
   * else runs. A bad entry throws `ConfigError` at registration.
   * @default undefined (every host; set it in production)
   */
  allowedHosts?: readonly string[]
}

// RFC 9110 §9.2.1 safe methods: never CSRF-checked, so their bodies are never limited here.
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** A form body over `bodyLimit`; carries 413 so Fastify's parser stops and reports it. */
class BodyTooLarge extends Error {
  readonly statusCode = 413
}

/** Passes a body through until `limit` bytes, then fails it with {@link BodyTooLarge}. */
function limitStream(limit: number): Transform {
  let size = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      if (size > limit) done(new BodyTooLarge('Request body too large.'))
      else done(null, chunk)
    },
  })
}

// A StoreError a route or hook threw, noted by onError for onSend to answer 503.
const storeFailures = new WeakMap<FastifyRequest, StoreError>()
// Requests whose form body went over the limit, for onSend to answer 413.
const tooLarge = new WeakSet<FastifyRequest>()

const plugin: FastifyPluginAsync<TesseraSessionOptions> = async (fastify, options) => {
  const { manager } = options
  if (manager === undefined || manager === null) {
    throw new ConfigError('tesseraSession: the "manager" option is required')
  }
  const trustProxy = options.trustProxy ?? false
  const clientIp = options.clientIp ?? ((request: FastifyRequest) => request.ip)
  const csrf =
    options.csrf === undefined
      ? undefined
      : resolveCsrfOptions(options.csrf === true ? {} : options.csrf)
  const bodyLimit = resolveBodyLimit(options.bodyLimit)
  const hosts =
    options.allowedHosts === undefined ? undefined : resolveAllowedHosts(options.allowedHosts)

  // A stable object shape for V8: every request carries both properties from the start.
  fastify.decorateRequest('session', null as unknown as Session)
  fastify.decorateRequest('user', null)

  fastify.addHook('onRequest', async (request, reply) => {
    if (hosts && !hosts.allows(request.host)) {
      return reply.send(await replaceReply(reply, disallowedHostResponse()))
    }
    const view = proxyView((name) => header(request, name), trustProxy, {
      secure: request.protocol === 'https',
      ip: clientIp(request),
    })
    request.session = manager.open({
      cookie: header(request, 'cookie'),
      header: (name) => header(request, name),
      secure: view.secure,
      userAgent: header(request, 'user-agent'),
      ip: view.ip,
    })
    bindRequestView(request.session, view)
  })

  if (csrf) {
    // preParsing: before the body parser reads a byte. A declared oversize form is
    // refused at once; a streamed one is cut off by the limit as it arrives.
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      if (request.routeOptions.config.csrf === false) return payload
      if (SAFE_METHODS.has(request.raw.method ?? request.method)) return payload
      if (!isFormContentType(header(request, 'content-type'))) return payload
      const declared = header(request, 'content-length')
      if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > bodyLimit) {
        throw new BodyTooLarge('Request body too large.')
      }
      return payload.pipe(limitStream(bodyLimit))
    })

    // preValidation: after the body parser (the form field may carry the token), before
    // schema validation, so a forged request learns nothing about the route's schema.
    fastify.addHook('preValidation', async (request, reply) => {
      if (request.routeOptions.config.csrf === false) return
      const secure = requestSecure(request)
      const failure = await checkCsrf(
        {
          // The method on the wire; method-override headers and fields are never read.
          method: request.raw.method ?? request.method,
          url: requestUrl(request, secure),
          headers: headersFromRecord(request.headers),
          secure,
          bodyToken: async () =>
            parsedFormField(header(request, 'content-type'), request.body, csrf.formField),
        },
        request.session,
        csrf,
      )
      if (!failure) return
      return reply.send(await replaceReply(reply, csrfFailureResponse(failure)))
    })
  }

  fastify.addHook('onError', async (request, _reply, error) => {
    if (error instanceof StoreError) storeFailures.set(request, error)
    // Fastify may wrap a stream error from the parser; the cause is ours either way.
    if (error instanceof BodyTooLarge || error.cause instanceof BodyTooLarge) tooLarge.add(request)
  })

  fastify.addHook('onSend', async (request, reply, payload) => {
    const session = request.session as Session | null
    // An earlier onRequest hook answered before the session was opened.
    if (!session) return payload
    if (tooLarge.has(request)) {
      const body = await replaceReply(reply, bodyTooLargeResponse())
      // Close rather than drain: Node would otherwise read the rest to reuse the socket.
      if (request.raw.httpVersionMajor === 1) reply.header('connection', 'close')
      return body
    }
    const thrown = storeFailures.get(request)
    // The app's error handler ran (and logged); a store outage still answers 503.
    if (thrown) return replaceReply(reply, storeUnavailableResponse(thrown))
    // Django's rule: a 5xx (also what Fastify's error handler sends for a thrown route)
    // saves nothing and sets no session cookie.
    const result = await commitResponse(manager, session, reply.statusCode)
    if (result instanceof Response) return replaceReply(reply, result)
    if (result === undefined) return payload
    writeSessionHeaders(replyHeaderWriter(reply), {
      commit: result,
      csrfCookie: csrf && pendingCsrfCookie(session, requestSecure(request), csrf),
    })
    return payload
  })

  fastify.addHook('onRoute', (route) => {
    if (route.config?.csrf === true && !csrf) {
      throw new ConfigError(
        `route ${route.method} ${route.url} asks for CSRF but tesseraSession has no "csrf" option`,
      )
    }
  })
}

/** Whether the request was HTTPS, as the `onRequest` hook decided. */
function requestSecure(request: FastifyRequest): boolean {
  return requestViewOf(request.session, { consumer: 'the CSRF check', session: 'tesseraSession' })
    .secure
}

/**
 * Sessions for Fastify 5. Opens a lazy {@link Session} on `request.session` for every
 * request, saves it in `onSend`, and sets `Set-Cookie`, `Vary: Cookie` and
 * `Cache-Control: no-store` as needed — on `reply.send` and `reply.redirect`. As in
 * Django, nothing is saved (and no session cookie set) on a 5xx, which is also what a
 * thrown error becomes once Fastify's error handler (yours, or the default) answered it.
 * A {@link StoreError} — from a route, a hook or while saving — answers
 * `503 {"detail": "Session store unavailable", "code": "STORE_…"}` with `Retry-After: 1`.
 * Your error handler is left in place and still runs for it (to log), but its answer is
 * replaced by the 503. Other errors are untouched.
 *
 * With `csrf`, every route with an unsafe method is CSRF-checked unless its route config
 * says `csrf: false`, and the readable `csrftoken` cookie is set after a route that
 * called `getCsrfToken()` or `rotateCsrfToken()`. Wrapped with `fastify-plugin`, so the
 * hooks reach every route, also those registered in other plugins. Bad options throw
 * `ConfigError` at registration; so does a route with `config: { csrf: true }` when the
 * plugin has no `csrf` option (it would otherwise run unprotected).
 *
 * @example
 * ```ts
 * const app = Fastify()
 * await app.register(tesseraSession, { manager: new SessionManager({ store, secret }), csrf: true })
 * app.get('/csrf', async (request) => ({ csrfToken: await getCsrfToken(request.session) }))
 * app.post('/profile', async (request) => {
 *   await request.session.set('bio', request.body as string)
 *   return { ok: true }
 * })
 * app.post('/webhook', { config: { csrf: false } }, async () => ({ ok: true }))
 * ```
 */
export const tesseraSession = fp(plugin, { fastify: '5.x', name: '@tessera/fastify' })
