import { StoreError, storeUnavailableResponse } from '@tessera/core'
import type { Context, ErrorHandler } from 'hono'

/**
 * An `app.onError` handler that answers a {@link StoreError} with the `503` JSON and
 * writes nothing. Hono's default handler prints every thrown error with its stack, so a
 * store outage under load printed one stack per request; give the `SessionManager` a
 * `StoreOutageLog` to log the outage in a few lines instead. Any other error goes to
 * `fallback`, by default Hono's own behaviour (`console.error`, then `500`).
 *
 * @example
 * ```ts
 * const app = new Hono<SessionEnv>()
 * app.use(session(new SessionManager({ store, secret, storeOutageLog: new StoreOutageLog() })))
 * app.onError(storeErrorHandler())
 * ```
 */
export function storeErrorHandler(fallback: ErrorHandler = honoDefault): ErrorHandler {
  return function tesseraStoreErrorHandler(error, c) {
    if (error instanceof StoreError) return storeUnavailableResponse(error)
    return fallback(error, c)
  }
}

function honoDefault(error: Error, c: Context): Response {
  // Errors carrying their own response (HTTPException) keep it, as in Hono.
  if ('getResponse' in error && typeof error.getResponse === 'function') {
    const res = error.getResponse() as Response
    return c.newResponse(res.body, res)
  }
  console.error(error)
  return c.text('Internal Server Error', 500)
}
