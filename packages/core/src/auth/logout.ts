import type { Session } from '../session/session.js'

/**
 * Logs out, as Django's `logout()`: the session is deleted on the server (its old
 * credentials die at once, in every tab and on every instance), its data is dropped and
 * the response clears the cookie with `Max-Age=0`.
 *
 * @example
 * ```ts
 * app.post('/api/logout/', async (c) => {
 *   await logout(c.var.session)
 *   return c.json({ detail: 'Logged out.' })
 * })
 * ```
 */
export async function logout(session: Session): Promise<void> {
  await session.flush()
}
