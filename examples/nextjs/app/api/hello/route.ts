import { requireUser } from '@tessera/web'
import { route } from '../../../lib/route'

// Cookie or header token, either works (Django REST framework's SessionAuthentication
// and django-session-token's header authentication in one).
export const GET = route(async (_request, context) => {
  const user = await requireUser(context, context.tessera.users)
  if (user instanceof Response) return user
  return Response.json({ message: `Hello ${user.username}` })
})
