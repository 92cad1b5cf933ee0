import type { Session } from '../../session/session.js'
import { STATE } from '../../session/session-state.js'

/**
 * The store id of the session a request holds, loading it first: the loaded record's id,
 * or the id reserved for a session this request will create. A new session gets its id
 * reserved here (as `getSessionToken()` does), so an event about it can name it before
 * it is stored. `null` only for a session that will not be stored (no data, no user).
 */
export async function currentSessionId(session: Session): Promise<string | null> {
  const empty = await session.isEmpty()
  const state = session[STATE]
  if (state.base) return state.base.id
  if (empty) return null
  state.newId ??= state.loader.newSessionId()
  return state.newId
}

/** The clock of the manager that opened `session` (the one tests freeze). */
export function sessionClock(session: Session): number {
  return session[STATE].loader.clock()
}

/**
 * Runs `run` with the session's store id once the request's commit has stored it (not
 * at all when it is not stored: emptied, or revoked meanwhile). Errors reject the commit
 * (a `StoreError` is a 503, as any store failure at commit).
 */
export function afterStore(session: Session, run: (id: string) => Promise<void>): void {
  session[STATE].afterStore.push(run)
}
