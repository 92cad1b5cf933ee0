import type { CommitResult } from '../session/session-manager.js'

/**
 * Writes a {@link CommitResult} onto response headers: every `Set-Cookie`,
 * `Vary: Cookie` when the response depends on the session, and
 * `Cache-Control: no-store` when it carries a credential (a shared cache must never
 * hand one user's cookie to another).
 *
 * @example
 * ```ts
 * applyCommit(response.headers, await sessions.commit(session))
 * ```
 */
export function applyCommit(headers: Headers, result: CommitResult): void {
  for (const cookie of result.setCookie) headers.append('set-cookie', cookie)
  if (result.vary) {
    const vary = headers.get('vary')
    if (!vary) headers.set('vary', 'Cookie')
    else if (!/(^|,)\s*(cookie|\*)\s*(,|$)/i.test(vary)) headers.set('vary', `${vary}, Cookie`)
  }
  if (result.noStore) headers.set('cache-control', 'no-store')
}
