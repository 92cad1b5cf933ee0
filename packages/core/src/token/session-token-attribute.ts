import { ArgumentError } from '../errors.js'
import { escapeHtml } from '../lib/escape-html.js'

/**
 * Puts a header token into server-rendered HTML as `data-session-token` on the root
 * `<html>` element — django-session-token's `{% session_token %}` template tag. The value is
 * HTML-escaped (tokens are base64url, but the helper does not rely on that). Pages that
 * carry a token are credentials: serve them with `Cache-Control: no-store` (the session
 * middleware does when the token was issued in this request).
 *
 * @example
 * ```ts
 * const html = withSessionToken(shell, await c.var.session.getSessionToken())
 * // <html lang="en" data-session-token="…">
 * // in the page: document.documentElement.dataset.sessionToken
 * ```
 */
export function withSessionToken(html: string, token: string): string {
  const attribute = ` data-session-token="${escapeHtml(token)}"`
  const match = /<html\b[^>]*?(\/?)>/i.exec(html)
  if (!match) throw new ArgumentError('withSessionToken needs a document with an <html> element')
  const end = match.index + match[0].length - 1 - match[1].length
  return html.slice(0, end) + attribute + html.slice(end)
}
