import { StoreError } from '../errors.js'
import type { Session } from '../session/session.js'
import type { CommitResult, SessionManager } from '../session/session-manager.js'
import { shouldCommit } from './should-commit.js'
import { storeUnavailableResponse } from './store-unavailable-response.js'

/**
 * The end of a request's session, the same in every adapter: saves it when the
 * response may be committed ({@link shouldCommit}: the handler answered, below 500) and
 * tells the adapter what to do with the response:
 * - a `CommitResult`: write it with `writeSessionHeaders`;
 * - `undefined`: nothing was saved (a thrown handler — pass `undefined` — or a 5xx);
 *   send the response as it is;
 * - a `Response`: the store failed or timed out while saving; send this `503` instead.
 * Any other error is rethrown, for the framework's own error path.
 *
 * @example
 * ```ts
 * const result = await commitResponse(manager, session, response.status)
 * if (result instanceof Response) return result
 * if (result) writeSessionHeaders(response.headers, { commit: result })
 * ```
 */
export async function commitResponse(
  manager: SessionManager,
  session: Session,
  status: number | undefined,
): Promise<CommitResult | Response | undefined> {
  if (!shouldCommit(status)) return undefined
  try {
    return await manager.commit(session)
  } catch (e) {
    if (e instanceof StoreError) return storeUnavailableResponse(e)
    throw e
  }
}
