import { getCsrfToken } from '@tessera/core'
import { route } from '../../../lib/route'

/** A masked CSRF token for the login form and SPA-style clients (also set as `csrftoken`). */
export const GET = route(async (_request, { session }) =>
  Response.json({ csrfToken: await getCsrfToken(session) }),
)
