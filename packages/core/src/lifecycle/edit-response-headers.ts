/**
 * Applies `edit` to a Web response's headers and returns the response to send.
 * Responses built by `fetch()` or `Response.redirect()` have immutable headers (Fetch
 * standard, "immutable" guard); such a response is copied first, body and status
 * untouched.
 *
 * @example
 * ```ts
 * return editResponseHeaders(response, (headers) => writeSessionHeaders(headers, done))
 * ```
 */
export function editResponseHeaders(
  response: Response,
  edit: (headers: Headers) => void,
): Response {
  try {
    edit(response.headers)
    return response
  } catch {
    const copy = new Response(response.body, response)
    edit(copy.headers)
    return copy
  }
}
