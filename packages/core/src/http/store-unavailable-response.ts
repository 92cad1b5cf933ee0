import type { StoreError } from '../errors.js'

/**
 * The `503` JSON answer for a {@link StoreError}: a stable `code` and a generic
 * message, never the driver's error. `Retry-After` invites clients to try again soon;
 * `X-Content-Type-Options: nosniff` keeps the JSON from ever being sniffed as HTML.
 *
 * @example
 * ```ts
 * if (e instanceof StoreError) return storeUnavailableResponse(e)
 * ```
 */
export function storeUnavailableResponse(error: StoreError): Response {
  return new Response(JSON.stringify({ detail: 'Session store unavailable', code: error.code }), {
    status: 503,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': '1',
      'x-content-type-options': 'nosniff',
    },
  })
}
