import { withSessionToken } from '@tessera/core'
import type { SessionEnv } from '@tessera/hono'
import type { Context } from 'hono'

/**
 * django-session-token's template tag for the demo's pages, only where a header token is
 * the point: a page under `/embed/` (the entry point of webviews and sandboxed iframes),
 * or a page requested with a valid `X-Session-Token` (a webview that already holds one),
 * carries the session's header token on `<html data-session-token>`. A cookie page (`/`
 * and every other) never does: a script-readable credential there would skip the CSRF
 * check and undo the cookie's HttpOnly.
 *
 * A page of no session carries none and creates none, `/embed/` included, so anonymous
 * page views store nothing (bots and crawlers leave no rows). The embedded SPA asks
 * `/api/session-token/` for a token only when it first sends an unsafe request (its
 * login), so a session is stored once the visitor acts, not when the page is viewed.
 */
export async function pageSessionToken(c: Context<SessionEnv>, html: string): Promise<string> {
  const session = c.var.session
  if (!c.req.path.startsWith('/embed/') && !(await session.authenticatedByToken())) return html
  if (await session.isEmpty()) return html
  return withSessionToken(html, await session.getSessionToken())
}
