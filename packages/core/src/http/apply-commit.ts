import type { CommitResult } from '../session/session-manager.js'
import { writeSessionHeaders } from './write-session-headers.js'

/**
 * Writes a {@link CommitResult} onto response headers: every `Set-Cookie`,
 * `Vary: Cookie` when the response depends on the session, and
 * `Cache-Control: no-store` when it carries a credential (a shared cache must never
 * hand one user's cookie to another). `writeSessionHeaders` with only `commit`.
 *
 * @example
 * ```ts
 * applyCommit(response.headers, await sessions.commit(session))
 * ```
 */
export function applyCommit(headers: Headers, result: CommitResult): void {
  writeSessionHeaders(headers, { commit: result })
}
