import type { Session } from './session.js'
import type { SessionInternals } from './session-draft.js'
import { internalsOf } from './session-draft.js'
import { internalIn, loadedState, recordOp } from './session-state.js'

/**
 * The CSRF secret, login time and JWT claims of the request's session (a copy), loading
 * it first. Internal to the core: the features that own these fields read them here,
 * never through the session's data, which belongs to the app.
 */
export async function readInternals(session: Session): Promise<SessionInternals> {
  return internalsOf(internalIn(await loadedState(session)))
}

/**
 * Sets some of the session's internal fields; the session is saved at commit. A change
 * like any other: a save that loses a compare-and-set race re-applies it to the winner.
 */
export async function writeInternals(session: Session, fields: SessionInternals): Promise<void> {
  const state = await loadedState(session)
  state.modified = true
  recordOp(state, { t: 'internal', fields: internalsOf(fields) })
}
