import type { UserProvider } from '../auth/user-provider.js'
import { ConfigError, StoreError } from '../errors.js'
import { storeUnavailableResponse } from '../http/store-unavailable-response.js'
import type { SessionManager } from '../session/session-manager.js'
import { introspectSessionJwt } from './introspect-session-jwt.js'
import { serviceCredentialChecker } from './service-credential.js'

/** Options of {@link introspectionEndpoint}. */
export interface IntrospectionEndpointOptions {
  /** The app's manager, in the `jwt` format. */
  manager: SessionManager
  /**
   * The service credentials callers present as `Authorization: Bearer <credential>`
   * (at least 32 characters each). Several, to rotate one or give one to each service.
   */
  credentials: readonly string[]
  /**
   * The app's users: a session whose user no longer exists, was disabled, or changed
   * password since login (the checks of `getSessionUser`) answers `{"active": false}`.
   * **Without it (and without the manager's `users` option), such a session stays
   * active** until the app's own `getSessionUser` meets it or `endUserSessions()` ends
   * it.
   * @default the manager's `users` option
   */
  users?: UserProvider
}

// A request carries one token of at most a few KiB; anything larger is refused unread.
const MAX_BODY = 16 * 1024
const JSON_HEADERS = {
  'content-type': 'application/json',
  // RFC 7662 §4: the answer says whether a credential is alive; no cache may keep it.
  'cache-control': 'no-store',
} as const

/**
 * An RFC 7662-style token introspection endpoint for session JWTs, as a framework-free
 * fetch handler (`Request` → `Response`): `POST`, `application/x-www-form-urlencoded`
 * body with `token=<jwt>` (§2.1; `token_type_hint` is accepted and ignored), the calling
 * service authenticated by `Authorization: Bearer <service credential>` (compared in
 * constant time). It answers `200 {"active": true, ...claims}` only when the JWT
 * verifies, has not expired, the session behind it is alive and, with `users`, its
 * user is still accepted (see `introspectSessionJwt`), else `200 {"active": false}`
 * (§2.2: an unknown, revoked or expired token is not an error). Without a valid credential: `401 {"error":
 * "invalid_client"}` with `WWW-Authenticate` (RFC 6749 §5.2), before the body is read.
 * A malformed request is `400 {"error": "invalid_request"}`, another method `405`, a
 * store failure `503`. Never touches the caller's own session or cookies.
 *
 * Mount it outside the session and CSRF middleware: the caller is a service with a
 * credential, not a browser with cookies.
 *
 * @example
 * ```ts
 * const introspect = introspectionEndpoint({ manager, users, credentials: [process.env.INTROSPECTION_SECRET!] })
 * app.post('/introspect/', (c) => introspect(c.req.raw))
 * ```
 */
export function introspectionEndpoint(
  options: IntrospectionEndpointOptions,
): (request: Request) => Promise<Response> {
  const { manager } = options
  if (options.users !== undefined && typeof options.users?.findById !== 'function')
    throw new ConfigError('users must be a UserProvider (with findById())')
  const users = options.users ?? manager.users
  const authorized = serviceCredentialChecker(options.credentials)
  return async function introspectionHandler(request) {
    if (request.method !== 'POST') {
      return answer(405, { error: 'invalid_request' }, { allow: 'POST' })
    }
    if (!(await authorized(request.headers.get('authorization')))) {
      return answer(
        401,
        { error: 'invalid_client' },
        { 'www-authenticate': 'Bearer realm="introspection"' },
      )
    }
    const type = request.headers.get('content-type') ?? ''
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
      return answer(400, {
        error: 'invalid_request',
        error_description: 'Send application/x-www-form-urlencoded.',
      })
    }
    const body = await readCapped(request)
    if (body === null) return answer(413, { error: 'invalid_request' })
    const tokens = new URLSearchParams(body).getAll('token')
    if (tokens.length !== 1 || tokens[0] === '') {
      return answer(400, { error: 'invalid_request', error_description: 'Send exactly one token.' })
    }
    try {
      return answer(200, await introspectSessionJwt(manager, tokens[0], users))
    } catch (error) {
      if (error instanceof StoreError) return storeUnavailableResponse(error)
      throw error
    }
  }
}

function answer(status: number, body: object, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } })
}

/** The body as text, or `null` once it passes {@link MAX_BODY} bytes (not read further). */
async function readCapped(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > MAX_BODY) return null
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.byteLength
  }
  return new TextDecoder().decode(all)
}
