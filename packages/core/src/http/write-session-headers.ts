import type { CommitResult } from '../session/session-manager.js'

/**
 * The three header operations {@link writeSessionHeaders} needs. Web `Headers` has
 * them; an adapter wraps its framework's response (Node's `res.getHeader`/`setHeader`/
 * `appendHeader`, Fastify's `reply.getHeader`/`header`) in the same shape. `append`
 * must keep repeated `Set-Cookie` values as separate header lines (RFC 6265 §3).
 *
 * @example
 * ```ts
 * const writer: HeaderWriter = {
 *   get: (name) => res.getHeader(name)?.toString(),
 *   set: (name, value) => res.setHeader(name, value),
 *   append: (name, value) => res.appendHeader(name, value),
 * }
 * ```
 */
export interface HeaderWriter {
  get(name: string): string | null | undefined
  set(name: string, value: string): void
  append(name: string, value: string): void
}

/** What a response owes the session layer, for {@link writeSessionHeaders}. */
export interface SessionHeaders {
  /** What `SessionManager.commit` (or `commitNow`) answered. */
  commit?: CommitResult | undefined
  /** The readable `csrftoken` cookie from `pendingCsrfCookie`, if the handler issued a token. */
  csrfCookie?: string | undefined
}

/**
 * Writes the session layer's headers onto a response, the same rules in every adapter:
 * every `Set-Cookie` appended, `Vary: Cookie` merged into any `Vary` the handler set
 * (unless it already names `Cookie` or `*`) when the response depends on the session,
 * and `Cache-Control: no-store` when it carries a credential or a CSRF token (a shared
 * cache must never hand one user's cookie or token to another). When the session was
 * read through a header token (`X-Session-Token`, django-session-token's
 * `SessionTokenAuthentication`), the response also varies on that header and is
 * `Cache-Control: private, no-store`. Writes nothing when nothing is owed.
 *
 * @example
 * ```ts
 * writeSessionHeaders(response.headers, {
 *   commit: await manager.commit(session),
 *   csrfCookie: pendingCsrfCookie(session, secure, csrfOptions),
 * })
 * ```
 */
export function writeSessionHeaders(headers: HeaderWriter, owed: SessionHeaders): void {
  const { commit, csrfCookie } = owed
  if (commit) {
    for (const cookie of commit.setCookie) headers.append('set-cookie', cookie)
    if (commit.vary) addVary(headers, 'Cookie')
    if (commit.viaHeader !== undefined) addVary(headers, commit.viaHeader)
  }
  if (csrfCookie !== undefined) headers.append('set-cookie', csrfCookie)
  // A session read through a header token is one client's private answer: `private`
  // keeps shared caches out, `no-store` the browser's own (RFC 9111 §5.2.2).
  if (commit?.viaHeader !== undefined) headers.set('cache-control', 'private, no-store')
  else if (commit?.noStore || csrfCookie !== undefined) headers.set('cache-control', 'no-store')
}

/** Merges `name` into `Vary` unless it (or `*`) is already listed. */
function addVary(headers: HeaderWriter, name: string): void {
  const vary = headers.get('vary')
  if (!vary) {
    headers.set('vary', name)
    return
  }
  const listed = vary.split(',').map((v) => v.trim().toLowerCase())
  if (!listed.includes('*') && !listed.includes(name.toLowerCase())) {
    headers.set('vary', `${vary}, ${name}`)
  }
}
