import { nodeResponseGate, releaseNodeResponseGate, sendNodeResponse } from '@tessera/core/adapter'
import type { ErrorRequestHandler } from 'express-serve-static-core'

/**
 * The error handler for a `StoreError` thrown in a route (a session read that failed or
 * timed out): `503 {"detail": "Session store unavailable", "code": "STORE_…"}` with
 * `Retry-After: 1`, through the lifecycle's `finish`, instead of Express's generic 500.
 * Every other error goes on to the next error handler. Register it after the routes.
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
      return next(err)
    }
    // The session never loaded: saving it would only fail again.
    releaseNodeResponseGate(res)
    sendNodeResponse(res, answer as Response).catch(next)
  }
}
