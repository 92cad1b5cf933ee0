/**
 * Copies a Web `Response`'s headers onto a framework's response, for an adapter that
 * answers with a core-built `Response` (403, 413, 503, JWKS, shared-session hops).
 * `set` receives each header once; `Set-Cookie` as the list of its values, so each
 * cookie stays its own header line (RFC 6265 §3) — `Headers` iteration would otherwise
 * hand them over one by one, and a `setHeader` keeps only the last.
 *
 * @example
 * ```ts
 * copyResponseHeaders(response, (name, value) => res.setHeader(name, value))
 * res.statusCode = response.status
 * res.end(await response.text())
 * ```
 */
export function copyResponseHeaders(
  response: Response,
  set: (name: string, value: string | string[]) => void,
): void {
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') set(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) set('set-cookie', cookies)
}
