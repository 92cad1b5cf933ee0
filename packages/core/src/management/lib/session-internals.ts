import type { Session } from '../../session/session.js'
import { operationsOf } from '../../session/session-operations.js'

/**
 * The store id of the session a request holds (see `SessionOperations.currentId`):
 * `null` only for a session that will not be stored (no data, no user).
 */
export function currentSessionId(session: Session): Promise<string | null> {
  return operationsOf(session).currentId()
}

/** The clock of the manager that opened `session` (the one tests freeze). */
export function sessionClock(session: Session): number {
  return operationsOf(session).now()
}

/** Runs `run` with the session's store id once the request's commit has stored it. */
export function afterStore(session: Session, run: (id: string) => Promise<void>): void {
  operationsOf(session).afterStore(run)
}
