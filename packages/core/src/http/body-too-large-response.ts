/**
 * The `413` JSON answer to a body over the limit, in the style of every Tessera error
 * body: `{"detail": "Request body too large.", "code": "BODY_TOO_LARGE"}`, with
 * `Cache-Control: no-store` and `X-Content-Type-Options: nosniff` (an API body must
 * never be sniffed as HTML).
 *
 * @example
 * ```ts
 * const body = await readBoundedBody(request, DEFAULT_BODY_LIMIT)
 * if (body.tooLarge) return bodyTooLargeResponse()
 * ```
 */
export function bodyTooLargeResponse(): Response {
  return new Response(
    JSON.stringify({ detail: 'Request body too large.', code: 'BODY_TOO_LARGE' }),
    {
      status: 413,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    },
  )
}
