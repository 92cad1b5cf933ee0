import { route } from '../../../lib/route'

// POST only: Next.js answers other methods with 405 and `Allow`, and withSession's CSRF
// check runs before this body.
export const POST = route(async (_request, { session, tessera, client }) => {
  await tessera.management.logout(session, client)
  // Also ask the browser to drop everything it keeps for this origin.
  return Response.json(
    { detail: 'Logged out.' },
    { headers: { 'Clear-Site-Data': '"cache", "cookies", "storage"' } },
  )
})
