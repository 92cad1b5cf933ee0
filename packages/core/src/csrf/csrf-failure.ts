/**
 * Why {@link checkCsrf} refused a request. Stable: tests, logs and clients branch on
 * it, never on the reason text.
 * - `CSRF_FETCH_METADATA`: the browser said the request is cross-site (`Sec-Fetch-Site`).
 * - `CSRF_ORIGIN`: `Origin` is neither the request's own origin nor a trusted one.
 * - `CSRF_REFERER`: over HTTPS without `Origin`, `Referer` is missing, malformed,
 *   insecure or from another origin.
 * - `CSRF_SESSION_TOKEN_MISSING`: the session holds no CSRF secret (no token was ever
 *   issued to it, or it was flushed).
 * - `CSRF_TOKEN_MISSING`: neither the header nor the form field carried a token.
 * - `CSRF_TOKEN_MALFORMED`: the token has the wrong length or characters.
 * - `CSRF_TOKEN_INCORRECT`: the token does not unmask to the session's secret.
 *
 * @example
 * ```ts
 * const code: CsrfFailureCode = 'CSRF_TOKEN_MISSING'
 * ```
 */
export type CsrfFailureCode =
  | 'CSRF_FETCH_METADATA'
  | 'CSRF_ORIGIN'
  | 'CSRF_REFERER'
  | 'CSRF_SESSION_TOKEN_MISSING'
  | 'CSRF_TOKEN_MISSING'
  | 'CSRF_TOKEN_MALFORMED'
  | 'CSRF_TOKEN_INCORRECT'

/**
 * A refused request: a stable `code` and a human reason in Django's wording (e.g.
 * `"CSRF token missing."`). The reason may quote at most 100 characters of the
 * `Origin` or `Referer` the client sent; it never holds the session's token or secret.
 *
 * @example
 * ```ts
 * const failure = await checkCsrf(csrfRequest, session, options)
 * if (failure) console.warn('csrf', failure.code)
 * ```
 */
export interface CsrfFailure {
  code: CsrfFailureCode
  reason: string
}

/**
 * The `403` answer to a refused request, like Django REST framework's:
 * `{"detail": "CSRF Failed: <reason>", "code": "<code>"}`, with
 * `Cache-Control: no-store` (a refusal must not be replayed from a cache to a request
 * that would pass) and `X-Content-Type-Options: nosniff` (the reason quotes client
 * headers; it must never be sniffed as HTML).
 *
 * @example
 * ```ts
 * const failure = await checkCsrf(csrfRequest, session, options)
 * if (failure) return csrfFailureResponse(failure)
 * ```
 */
export function csrfFailureResponse(failure: CsrfFailure): Response {
  const body = JSON.stringify({ detail: `CSRF Failed: ${failure.reason}`, code: failure.code })
  return new Response(body, {
    status: 403,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}
