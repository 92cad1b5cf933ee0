import type { JsonValue, SessionData } from '@tessera/core'

/**
 * The route table every adapter under {@link describeAdapter} implements, the same way
 * in every framework. Keys are `METHOD /path`; each value is the JSON body of a `200`
 * answer. The suite reaches the app only through HTTP, so these routes are the whole
 * contract between the suite and an adapter's test file.
 *
 * Wiring: the adapter's one entry point wraps every route, with the `SessionManager`
 * and the `options` the suite passes to `setup`, as they are: they serve the JWKS and
 * the shared-session routes, guard the login-required group `/members/` and check
 * CSRF on `POST /protected` only. Errors are left to the adapter: a store failure must
 * surface as the `503` JSON. The app has its framework's own error handler (Hono's
 * `onError`, an Express error middleware after the routes, Fastify's
 * `setErrorHandler`; for a fetch handler, the caller's `try`/`catch`) answering any
 * other error as `500 {"caught": error.message}`.
 *
 * @example
 * ```ts
 * // Hono
 * app.use(session(manager, options))
 * app.get('/static', (c) => c.text('static'))
 * app.get('/get/:key', async (c) =>
 *   c.json({ value: (await c.var.session.get(c.req.param('key'))) ?? null }))
 * app.post('/protected', async (c) => {
 *   await c.var.session.set('done', true)
 *   return c.json({ ok: true })
 * })
 * ```
 */
export interface AdapterRoutes {
  /** Plain text; the handler never touches the session, so no session header may appear. */
  'GET /static': string
  /** `{ value }`: `session.get(key)`, or `null` when the key is absent. */
  'GET /get/:key': { value: JsonValue | null }
  /** `session.set(key, body)` where `body` is the parsed JSON request body; `{ ok: true }`. */
  'POST /set/:key': { ok: true }
  /** All of `session.data()`. */
  'GET /data': SessionData
  /** `session.flush()`; `{ ok: true }`. */
  'POST /flush': { ok: true }
  /** `{ csrfToken }` from `getCsrfToken(session)`. */
  'GET /csrf-token': { csrfToken: string }
  /** CSRF-checked; the handler runs `session.set('done', true)`; `{ ok: true }`. */
  'POST /protected': { ok: true }
  /** `{ sessionToken }` from `session.getSessionToken()`. */
  'GET /session-token': { sessionToken: string }
  /**
   * `session.set('redirected', true)`, then a `302` to `/static` on the request's own
   * origin, built the framework's usual way (`Response.redirect`, `c.redirect`,
   * `reply.redirect`…). Headers of such responses may be immutable; the session
   * cookie must still reach the client.
   */
  'GET /redirect': never
  /**
   * `session.set('thrown', true)`, then `throw new Error('handler failed')`: answered by
   * the app's error handler as `500 {"caught": "handler failed"}`.
   */
  'POST /throw': never
  /** `session.set('failed', true)`, then a `500` JSON answer `{ failed: true }` (not thrown). */
  'POST /fail': { failed: true }
  /** `login(session, ada)` with the suite's user `ada`; `{ ok: true }`. Not CSRF-checked. */
  'POST /login': { ok: true }
  /**
   * In the login-required group `/members/` (the entry point's `loginRequired`, with
   * `GET /members/open` as its one explicit opt-out), and the adapter's
   * `requireUser(users)` again on this route. `{ username }` of the user the adapter
   * hands the handler.
   */
  'GET /members/me': { username: string }
  /** The group's opt-out: `{ open: true }` for anyone, without touching the session. */
  'GET /members/open': { open: true }
  /**
   * In the group, with no guard of its own: only the entry point's `loginRequired`
   * keeps anonymous requests out. `{ plain: true }`.
   */
  'GET /members/plain': { plain: true }
  /** The entry point's JWKS route (`jwks: true`): `manager.jwks()` as JSON. */
  'GET /.well-known/jwks.json': { keys: Record<string, string>[] }
}
