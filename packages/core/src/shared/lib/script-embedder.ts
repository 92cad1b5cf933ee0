/**
 * The origin of the page that loaded this request as a `<script>`, as the browser tells
 * it, or `null` when the request is not visibly a script element's load by some page.
 *
 * The script path's login-CSRF defence rests on headers a page cannot set on a browser's
 * request (Fetch's forbidden request headers): `Sec-Fetch-Dest: script` says a `<script>`
 * element loaded it, never a top-level navigation (`document`), a `fetch()` (`empty`) or
 * a frame; `Sec-Fetch-Site` must be `cross-site` or `same-site`, because a page of the
 * destination itself (`same-origin`) or a typed URL (`none`) is never the source site;
 * and `Referer` names the embedding page. A page can suppress its `Referer` (a
 * `no-referrer` policy) but never forge one, so a missing `Referer` is refused: the
 * loader's tags carry `referrerpolicy="origin"`, which wins over the page's own
 * `Referrer-Policy` (the demo's pages send `same-origin`). Only the origin of the `Referer` is used.
 */
export function scriptEmbedder(request: Request): string | null {
  const headers = request.headers
  if (headers.get('sec-fetch-dest') !== 'script') return null
  const site = headers.get('sec-fetch-site')
  if (site !== 'cross-site' && site !== 'same-site') return null
  const referer = headers.get('referer')
  if (!referer) return null
  let url: URL
  try {
    url = new URL(referer)
  } catch {
    return null
  }
  // An opaque origin ('null': data:, sandboxed frames) is never a configured site.
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null
}
