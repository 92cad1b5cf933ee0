import { nodeResponseGate, releaseNodeResponseGate, sendNodeResponse } from '@tessera/core/adapter'
import type { ErrorRequestHandler } from 'express-serve-static-core'

/**
 * The error handler for a `StoreError` thrown in a route (a session read that failed or
 * timed out): `503 {"detail": "Session store unavailable", "code": "STORE_…"}` with
 * `Retry-After: 1`, through the lifecycle's `finish`, instead of Express's generic 500.
 * Every other error goes on to the next error handler, marked on the response so that
 * its answer saves nothing and sets no session cookie, whatever its status (Django saves
 * nothing when the view raised; Hono, Fastify and `@tessera/web` neither).
 *
 * Required: register it after the routes. `session()` also sees an error that any
 * later middleware is handed, but one that no layer after the routes sees is answered
 * by Express's final handler with the error's own status (an http-errors `400` stays
 * `400`), and nothing tells the session that this answer is an error's: without this
 * handler, such a change would be saved.
 *
 * @example
 * ```ts
 * app.use(session(manager))
 * app.get('/me', async (req, res) => { res.json({ user: await req.session.getUserId() }) })
 * app.use(storeErrorHandler())
 * ```
 */
export function storeErrorHandler(): ErrorRequestHandler {
  return function tesseraStoreErrorHandler(err, _req, res, next) {
    const gate = nodeResponseGate(res)
    if (!gate || res.headersSent) return next(err)
    let answer: unknown
    try {
      answer = gate.scope.finish({ error: err })
    } catch {
      // Not Tessera's: the next error handler answers it, and that answer saves nothing.
      gate.thrown = err
      return next(err)
    }
    // The session never loaded: saving it would only fail again.
    releaseNodeResponseGate(res)
    sendNodeResponse(res, answer as Response).catch(next)
  }
}
