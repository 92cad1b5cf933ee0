import { route } from '../../../lib/route'

// django-session-token's header token, for clients that cannot keep cookies (webviews,
// sandboxed iframes): every route below accepts it in X-Session-Token instead.
export const GET = route(async (_request, { session }) =>
  Response.json({ sessionToken: await session.getSessionToken() }),
)
