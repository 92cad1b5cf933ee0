import { getSessionUser } from '@tessera/core'
import { route } from '../../../lib/route'

export const GET = route(async (_request, { session, tessera }) => {
  const user = await getSessionUser(session, tessera.users)
  return Response.json({ user: user ? { id: user.id, username: user.username } : null })
})
