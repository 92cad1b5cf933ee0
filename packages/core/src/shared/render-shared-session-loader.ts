import { escapeHtml } from '../lib/escape-html.js'

/**
 * Renders django-shared-session's `{% shared_session_loader %}`: one `<script async src="…">` per URL
 * from `SharedSessions.loaderUrls()`, HTML-escaped, for the `<head>` of a server-rendered
 * page. `async` so the page never waits for the other sites; `referrerpolicy="origin"`
 * because the other site redeems the code only when the `Referer` shows this site (see
 * `SharedSessions`), whatever `Referrer-Policy` the page itself has. An empty list
 * renders `''`.
 * Pages that carry these URLs carry live transfer codes: serve them with
 * `Cache-Control: no-store`, and allow the other sites in the page's CSP `script-src`.
 *
 * @example
 * ```ts
 * const tags = renderSharedSessionLoader(await shared.loaderUrls(request, session))
 * html = html.replace('</head>', `${tags}</head>`)
 * ```
 */
export function renderSharedSessionLoader(urls: readonly string[]): string {
  return urls
    .map((url) => `<script async src="${escapeHtml(url)}" referrerpolicy="origin"></script>`)
    .join('')
}
