import { Transform } from 'node:stream'
import {
  type AuthUser,
  ConfigError,
  type SessionManager,
  type Session as TesseraSession,
} from '@tessera/core'
import {
  bodyTooLargeResponse,
  createRequestLifecycle,
  declaredTooLarge,
  type FinishedRequest,
  headersFromRecord,
  type LifecycleOptions,
  type RequestScope,
  type RequestView,
  recordHeader,
  writeSessionHeaders,
} from '@tessera/core/adapter'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { replyHeaderWriter, sendAnswer } from './lib/reply-headers.js'
import { routedPath } from './lib/routed-path.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's lazy Tessera session, opened by {@link tesseraSession}. */
    session: TesseraSession
    /** The user on login-required routes (or after `requireUser`), else `null`. */
    user: AuthUser | null
  }
  interface FastifyContextConfig {
    /** `false` exempts the route from the CSRF check; `allowAnonymous: true` from `loginRequired`. */
    csrf?: boolean
    allowAnonymous?: boolean
  }
}

/** Options of {@link tesseraSession}: the manager (one per process), the core `LifecycleOptions`, the client address. */
export interface TesseraSessionOptions<U extends AuthUser = AuthUser> extends LifecycleOptions<U> {
  manager: SessionManager
  /** Client address recorded on new sessions (Fastify's `trustProxy` applies). @default request.ip */
  clientIp?: (request: FastifyRequest) => string | null | undefined
}

/** A form body over `bodyLimit`: 413, so Fastify's parser stops. */
class BodyTooLarge extends Error {
  readonly statusCode = 413
  override readonly message = 'Request body too large.'
}

// The request's scope and the error a route or hook threw (for onSend), kept on the
// request under symbols declared with decorateRequest (so every request has the same
// shape) rather than in WeakMaps: an ephemeron per request costs the GC more.
const SCOPE = Symbol('tessera.scope')
const ERROR = Symbol('tessera.error')
type Tracked = FastifyRequest & { [SCOPE]: RequestScope | null; [ERROR]: Error | null }
const plugin: FastifyPluginAsync<TesseraSessionOptions> = async (fastify, options) => {
  const { manager, clientIp = (request: FastifyRequest) => request.ip } = options
  const lifecycle = createRequestLifecycle(manager, options)
  fastify.decorateRequest('session', null as unknown as TesseraSession)
  fastify.decorateRequest('user', null)
  fastify.decorateRequest(SCOPE, null)
  fastify.decorateRequest(ERROR, null)

  // Route options are built afresh on every read (Fastify 5): read them only when an
  // option asks about the route.
  const perRoute = options.csrf !== undefined || !!options.loginRequired
  // Callback-style hooks, answered synchronously when nothing needs the store: an async
  // hook costs every request a promise and a tick.
  fastify.addHook('onRequest', (request, reply, done) => {
    const config = perRoute ? request.routeOptions.config : undefined
    const host = request.host
    const view: RequestView = {
      method: request.raw.method ?? request.method,
      url: `${request.protocol}://${host}${request.url}`,
      host,
      // The path Fastify routes on, never read back out of a URL built from `Host`. Built
      // here, not in a getter: an accessor in this literal cost every request 48k
      // instructions (bench/README.md, "Our own audit's fixes and the read path").
      path: routedPath(request.url),
      header: (name) => recordHeader(request.headers, name),
      headers: () => headersFromRecord(request.headers),
      ip: clientIp(request),
      parsedBody: () => request.body,
      csrf: config?.csrf !== false,
      allowAnonymous: config?.allowAnonymous === true,
    }
    const scope = lifecycle.open(view)
    if (scope instanceof Response) {
      // The lifecycle's own answer (the 400 of a disallowed host, the JWKS): the route
      // never runs. Answering from a callback hook means not calling done().
      sendAnswer(reply, scope).then((body) => reply.send(body), done)
      return
    }
    request.session = scope.session
    ;(request as Tracked)[SCOPE] = scope
    done()
  })

  const checks = options.csrf !== undefined || !!options.sharedSessions || !!options.loginRequired
  // Only the hooks the options need (an async hook costs each request a tick). Before the
  // body parser reads a byte, a CSRF form is limited; after it, before validation, admit().
  if (options.csrf !== undefined)
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      const method = request.raw.method ?? request.method
      const header = (name: string) => recordHeader(request.headers, name)
      const csrf = request.routeOptions.config.csrf !== false
      const limit = lifecycle.formBodyLimit({ method, csrf, header })
      if (limit === undefined) return payload
      if (declaredTooLarge(header('content-length'), limit)) throw new BodyTooLarge()
      let size = 0
      const limited = (chunk: Buffer, _: unknown, done: (e: Error | null, c: Buffer) => void) => {
        size += chunk.length
        done(size > limit ? new BodyTooLarge() : null, chunk)
      }
      return payload.pipe(new Transform({ transform: limited }))
    })

  if (checks)
    fastify.addHook('preValidation', async (request, reply) => {
      const scope = (request as Tracked)[SCOPE]
      const refusal = await scope?.admit()
      if (refusal) return reply.send(await sendAnswer(reply, refusal, false))
      if (scope?.resolvedUser) request.user = scope.resolvedUser
    })

  fastify.addHook('onError', async (request, _reply, error) => {
    ;(request as Tracked)[ERROR] = error
  })

  fastify.addHook('onSend', (request, reply, payload, done) => {
    const scope = (request as Tracked)[SCOPE]
    if (!scope) return done(null, payload) // answered before the session was opened
    const error = (request as Tracked)[ERROR] ?? undefined
    const fail = (e: unknown) => done(e as Error)
    // Fastify may wrap a stream error from the parser; the cause is ours either way.
    if (error instanceof BodyTooLarge || error?.cause instanceof BodyTooLarge) {
      sendAnswer(reply, bodyTooLargeResponse()).then((body) => {
        // Close rather than drain: Node would otherwise read the rest to reuse the socket.
        if (request.raw.httpVersionMajor === 1) reply.header('connection', 'close')
        done(null, body)
      }, fail)
      return
    }
    // With a thrown error, the error handler (yours or Fastify's) has already answered.
    const status = reply.statusCode
    const end = (finished: FinishedRequest): void => {
      if (finished instanceof Response) {
        sendAnswer(reply, finished).then((body) => done(null, body), fail)
        return
      }
      if (finished) writeSessionHeaders(replyHeaderWriter(reply), finished)
      done(null, payload)
    }
    // A throw (an error that is not Tessera's) reaches Fastify's error path as a hook error.
    const finished = scope.finish(error === undefined ? { status } : { error, status })
    if (finished instanceof Promise) finished.then(end, fail)
    else end(finished)
  })

  fastify.addHook('onRoute', (route) => {
    if (route.config?.csrf !== true || options.csrf !== undefined) return
    const name = `${route.method} ${route.url}`
    throw new ConfigError(`route ${name} asks for CSRF but tesseraSession has no "csrf" option`)
  })
}

/**
 * Sessions for Fastify 5, the adapter's one entry point: a lazy {@link Session} on
 * `request.session`, and the core's request lifecycle around every route —
 * `allowedHosts` and the JWKS route in `onRequest`; shared-session hops, the
 * login-required group (the user on `request.user`) and CSRF in `preValidation`, after
 * the body parser (a form body limited in `preParsing`); the session saved in `onSend`.
 * Nothing is saved on a 5xx (Django); a `StoreError` answers `503` JSON (your error
 * handler still runs, to log). Routes opt out with `config: { csrf: false }` or
 * `config: { allowAnonymous: true }`. Bad options throw `ConfigError` at registration.
 *
 * @example
 * ```ts
 * await app.register(tesseraSession, { manager, csrf: true, jwks: true })
 * app.post('/webhook', { config: { csrf: false } }, async () => ({ ok: true }))
 * ```
 */
export const tesseraSession = fp(plugin, { fastify: '5.x', name: '@tessera/fastify' })
