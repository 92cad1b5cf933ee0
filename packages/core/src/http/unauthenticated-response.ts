/**
 * The `401` answer to a request that needs a logged-in user and has none — Django REST
 * framework's `NotAuthenticated`: `{"detail": "Authentication credentials were not
 * provided."}`, with `WWW-Authenticate: Session` (RFC 9110 §15.5.2 asks a 401 to name a
 * scheme) and `nosniff`, like every Tessera JSON error. Every adapter's `requireUser`
 * answers with it.
 *
 * @example
 * ```ts
 * const user = await getSessionUser(session, users)
 * if (!user) return unauthenticatedResponse()
 * ```
 */
export function unauthenticatedResponse(): Response {
  return Response.json(
    { detail: 'Authentication credentials were not provided.' },
    {
      status: 401,
      headers: { 'www-authenticate': 'Session', 'x-content-type-options': 'nosniff' },
    },
  )
}
