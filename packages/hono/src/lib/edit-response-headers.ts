import type { Context } from 'hono'

/**
 * Applies `edit` to the response's headers after the handler ran. Responses built by
 * `fetch()` or `Response.redirect()` have immutable headers; then the response is
 * copied first (Hono's `res` setter makes the copy mutable).
 */
export function editResponseHeaders(c: Context, edit: (headers: Headers) => void): void {
  try {
    edit(c.res.headers)
  } catch {
    c.res = new Response(c.res.body, c.res)
    edit(c.res.headers)
  }
}
