import { StoreError, storeUnavailableResponse } from '@tessera/core'
import type { ErrorRequestHandler } from 'express-serve-static-core'
import { gateOf } from './lib/response-gate.js'
import { sendWebResponse } from './lib/send-web-response.js'

/**
 * The error handler for a {@link StoreError} thrown in a route (a session read that
 * failed or timed out): `503 {"detail": "Session store unavailable", "code": "STORE_…"}`
 * with `Retry-After: 1`, instead of Express's generic 500. Other errors go on to the
 * next error handler. Register it after the routes.
 *
 * @example
 * ```ts
 * app.use(session(manager))
 * app.get('/me', async (req, res) => { res.json({ user: await req.session.getUserId() }) })
 * app.use(storeErrors())
 * ```
 */
export function storeErrors(): ErrorRequestHandler {
  return function tesseraStoreErrors(err, _req, res, next) {
    if (!(err instanceof StoreError) || res.headersSent) return next(err)
    // The session never loaded: saving it would only fail again.
    const gate = gateOf(res)
    if (gate) gate.skipCommit = true
    sendWebResponse(res, storeUnavailableResponse(err)).catch(next)
  }
}
