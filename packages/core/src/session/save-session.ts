import type { SessionRecord } from '../store/session-record.js'
import { upgradeRecord } from '../store/upgrade-record.js'
import type { CommitResult } from './commit-result.js'
import { compareAndSet } from './compare-and-set.js'
import { withTokens } from './credential-entry.js'
import { holdsCredential } from './load-session.js'
import {
  clearSessionCookie,
  csrfBackToCookie,
  sendCsrfCookie,
  sendSessionCookie,
} from './session-cookies.js'
import { applyOp, draftOf, isEmptyDraft, withInternals } from './session-draft.js'
import { idleMsOf } from './session-expiry.js'
import { draftIn, type SessionState } from './session-state.js'

/**
 * Saves the request's changes to its stored session by compare-and-set. When another
 * request wrote first, this request's own ops are re-applied to the winning record, so
 * both land; if the winner no longer holds this request's credential (rotated, revoked)
 * these changes die with it. A session left empty ends rather than being stored: by a
 * compare-and-set too, which writes it without credentials (dead to every request from
 * then on) and only then deletes it, so a write another request made since this one
 * loaded is rebased on, never deleted. Returns `true` when the session is in the store
 * afterwards.
 */
export async function saveSession(state: SessionState, out: CommitResult): Promise<boolean> {
  const loader = state.loader
  const base = state.base as SessionRecord
  let first = true
  let emptied = false
  const saved = await compareAndSet(
    loader,
    base.id,
    (current) => {
      // 'missing': logged out or revoked meanwhile. Never resurrect it, and send no
      // cookie: a later login may already have given the browser a new one.
      if (!current) return { stop: null }
      if (!first && !rebase(state, current)) return { stop: null }
      first = false
      emptied = isEmptyDraft(draftIn(state))
      // Ending the session is a write against the version in hand like any other: a
      // bare delete would erase what a concurrent request (another tab, a login) wrote
      // since. With no credential left nobody loads it or rebases onto it any more, so
      // the delete that follows cannot take anyone's write with it.
      const next = nextRecord(state, current)
      return { write: emptied ? { ...next, credentials: {} } : next, done: (written) => written }
    },
    base,
  )
  const now = loader.clock()
  if (emptied && saved) {
    // Everything was removed: the session ends rather than lingering empty (unreachable
    // already: the write above left it no credential).
    await loader.call('delete', (store) => store.delete(saved.id))
    loader.emit({ type: 'destroyed', session: saved.id, at: now, reason: 'emptied' })
    clearSessionCookie(state, out)
    state.base = null
    csrfBackToCookie(state)
    await sendCsrfCookie(state, out)
    return false
  }
  if (!saved) return false
  state.base = saved
  const credential = state.rotated ?? state.credential
  if (credential) await sendSessionCookie(state, credential, saved, saved.lastSeenAt, out)
  if (state.rotated) loader.emit({ type: 'rotated', session: saved.id, at: saved.lastSeenAt })
  return true
}

/**
 * Moves the request onto the record that won a race: its credential must still be live
 * there; then this request's ops are replayed on a fresh draft of the winner.
 */
function rebase(state: SessionState, winner: SessionRecord): boolean {
  if (
    !state.credentialHash ||
    !state.kind ||
    !holdsCredential(winner, state.kind, state.credentialHash)
  )
    return false
  state.base = upgradeRecord(winner)
  const draft = draftOf(state.base)
  for (const op of state.ops) applyOp(draft, op)
  state.draft = draft
  return true
}

/** The record this request's draft makes of `base` (the version is set by the write). */
function nextRecord(state: SessionState, base: SessionRecord): SessionRecord {
  const o = state.loader.options
  const draft = draftIn(state)
  const now = state.loader.clock()
  return withInternals(
    {
      ...base,
      data: draft.data,
      userId: draft.userId,
      authHash: draft.authHash,
      meta: draft.meta,
      credentials: withTokens(
        draft.rotatedHash ? { cookie: draft.rotatedHash } : base.credentials,
        draft.added,
      ),
      lastSeenAt: now,
      idleExpiresAt: now + idleMsOf(o, draft.meta),
      absoluteExpiresAt: Math.min(
        base.absoluteExpiresAt,
        draft.expireBy ?? Number.POSITIVE_INFINITY,
      ),
    },
    draft.internal,
  )
}
