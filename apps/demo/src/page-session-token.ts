import { withSessionToken } from '@tessera/core'
import type { SessionEnv } from '@tessera/hono'
import type { Context } from 'hono'

/**
 * django-session-token's template tag for the demo's pages: a page of an existing session
 * carries its header token on `<html data-session-token>`. A page of no session carries
 * none and creates none, `/embed/` included, so anonymous page views store nothing (bots
 * and crawlers leave no rows). The embedded SPA asks `/api/session-token/` for a token
 * only when it first sends an unsafe request (its login), so a session is stored once the
 * visitor acts, not when the page is viewed.
 */
export async function pageSessionToken(c: Context<SessionEnv>, html: string): Promise<string> {
  if (await c.var.session.isEmpty()) return html
  return withSessionToken(html, await c.var.session.getSessionToken())
}
