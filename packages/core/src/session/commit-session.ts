import type { CommitResult } from './commit-result.js'
import { createSession } from './create-session.js'
import { saveSession } from './save-session.js'
import {
  clearSessionCookie,
  csrfBackToCookie,
  requestHasCookie,
  sendCsrfCookie,
  sendSessionCookie,
} from './session-cookies.js'
import { idleMsOf } from './session-expiry.js'
import { isEmptyUnstored, type SessionState } from './session-state.js'

const NOTHING: CommitResult = Object.freeze({
  setCookie: [],
  vary: false,
  noStore: false,
}) as CommitResult

/**
 * Django's `SessionMiddleware.process_response`: deletes a flushed session, creates a
 * new one worth storing, saves a modified one, slides the idle expiry of a read one at
 * most once per renewal interval, and says which headers the response needs.
 */
export async function commitSession(state: SessionState): Promise<CommitResult> {
  const ready = commitNow(state)
  if (ready) return ready
  if (state.loading) await state.loading
  const loader = state.loader
  const o = loader.options
  const out = resultOf(state)
  const now = loader.clock()

  if (state.destroyedId) {
    const id = state.destroyedId
    await loader.call('delete', (store) => store.delete(id))
    loader.emit({ type: 'destroyed', session: id, at: now, reason: 'flush' })
  }

  if (!state.base) {
    if (isEmptyUnstored(state)) {
      // Tell the browser to drop a cookie that leads nowhere (flushed, expired, forged).
      if (requestHasCookie(state, o.cookieName) || state.destroyedId) clearSessionCookie(state, out)
      csrfBackToCookie(state)
      await sendCsrfCookie(state, out)
      return out
    }
    await createSession(state, now, out)
    await sendCsrfCookie(state, out)
    await runAfterStore(state)
    return out
  }

  if (state.modified) {
    if (await saveSession(state, out)) await runAfterStore(state)
    return out
  }

  const base = state.base
  if (now - base.lastSeenAt >= o.renewalMs && state.credential) {
    const idleExpiresAt = now + idleMsOf(o, base.meta)
    const touched = await loader.call('touch', (store) => store.touch(base.id, now, idleExpiresAt))
    if (touched)
      await sendSessionCookie(state, state.credential, { ...base, idleExpiresAt }, now, out)
  } else if (state.jwtReissue && state.credential) {
    // An expired, ageing or old-key JWT: a fresh token, no store write.
    await sendSessionCookie(state, state.credential, base, now, out)
  }
  return out
}

/**
 * What {@link commitSession} would answer, computed at once when saving needs no store
 * call (see `SessionManager.commitNow`); `undefined` otherwise.
 */
export function commitNow(state: SessionState): CommitResult | undefined {
  if (!state.accessed && !state.modified) return NOTHING
  const base = state.base
  if (!state.loaded || state.modified || state.destroyedId || !base) return undefined
  // A JWT cookie that is expired, ageing or signed by an old key is re-issued at commit.
  if (state.jwtReissue) return undefined
  const o = state.loader.options
  if (state.credential && state.loader.clock() - base.lastSeenAt >= o.renewalMs) return undefined
  return resultOf(state)
}

/** The headers every commit starts from; names the header a token-loaded session was read through. */
function resultOf(state: SessionState): CommitResult {
  const out: CommitResult = { setCookie: [], vary: state.accessed, noStore: state.tokenShown }
  if (state.accessed && state.kind === 'token') {
    const header = state.loader.options.tokenHeader
    out.viaHeader = state.request.header?.(header) ? header : 'Authorization'
  }
  return out
}

/** Runs what the request asked to run once its session is stored (see `SessionState.afterStore`). */
async function runAfterStore(state: SessionState): Promise<void> {
  const id = state.base?.id
  if (id === undefined) return
  for (const run of state.afterStore.splice(0)) await run(id)
}
