import { checkSessionUser } from '../auth/session-user-check.js'
import { expiresAt, type SessionRecord } from '../store/session-record.js'
import { upgradeRecord } from '../store/upgrade-record.js'
import type { CommitResult } from './commit-result.js'
import { createSession } from './create-session.js'
import { holdsCredential } from './load-session.js'
import { saveSession } from './save-session.js'
import {
  clearSessionCookie,
  csrfBackToCookie,
  requestHasCookie,
  sendCsrfCookie,
  sendSessionCookie,
} from './session-cookies.js'
import { idleMsOf } from './session-expiry.js'
import { draftIn, isEmptyUnstored, type SessionState, switchSession } from './session-state.js'

const NOTHING: CommitResult = Object.freeze({
  setCookie: [],
  vary: false,
  noStore: false,
}) as CommitResult

/**
 * Django's `SessionMiddleware.process_response`: deletes a flushed session, creates a
 * new one worth storing, saves a modified one, slides the idle expiry of a read one at
 * most once per renewal interval (only while the store still holds the version the
 * request loaded), and says which headers the response needs. A read session's cookie
 * (renewed, or a session JWT re-issued) is sent only while the store still holds the
 * credential the request loaded with: one store read on those paths, none on a read
 * that needs neither. In the `jwt` format with the manager's `users`, a
 * session JWT is sent to a logged-in session only while its user passes
 * `getSessionUser`'s check (one `findById` on those paths and on saves, none on a plain
 * read); otherwise the session is flushed instead.
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
    // A save sends the session's cookie again: in the `jwt` format a fresh token.
    if (!(await mayIssueJwt(state, draftIn(state)))) return flushInstead(state)
    if (await saveSession(state, out)) await runAfterStore(state)
    return out
  }

  const base = state.base
  const credential = state.credential
  if (!credential) return out
  if (now - base.lastSeenAt >= o.renewalMs) {
    const idleExpiresAt = now + idleMsOf(o, base.meta)
    // Only the version this request loaded: another request that wrote since (a
    // `setExpiry(60)` among others) set the idle deadline it chose and sent the cookie,
    // and the deadline this request computed from the old metadata must not undo it.
    const touched = await loader.call('touch', (store) =>
      store.touch(base.id, now, idleExpiresAt, base.version),
    )
    if (!touched) return out
  } else if (!state.jwtReissue) return out
  // Renewal (the touched session) or an expired, ageing or old-key JWT (a fresh token, no
  // store write). Either sends the credential this request loaded with, which another
  // request may have rotated (login) or ended (logout) since: sending it anyway would
  // overwrite the browser's new cookie with a dead one, or mint a JWT that store-less
  // verifiers accept for a session that is gone. So the store is asked first.
  const current = await heldRecord(state, now)
  if (!current) return out
  // A user disabled or whose password was reset since: no fresh token (see mayIssueJwt).
  if (!(await mayIssueJwt(state, current))) return flushInstead(state)
  await sendSessionCookie(state, credential, current, now, out)
  return out
}

/**
 * Whether the commit may send a session JWT for `session`'s user: always in the opaque
 * format, without `users`, for a header token (it gets no cookie) or an anonymous
 * session; else only while the app still accepts the user (`getSessionUser`'s check,
 * one `findById`). A JWT carries `sub` to store-less verifiers, and the app answers its
 * own expired token with a fresh one for `acceptExpired`: re-issuing for a disabled user
 * would let a copied token keep that user's access at every federated service for as
 * long as the session lives. Only the commits that send a cookie for a session the
 * request did not create ask; a plain read sends none and never gets here.
 */
async function mayIssueJwt(
  state: SessionState,
  session: { userId: string | null; authHash: string | null },
): Promise<boolean> {
  const loader = state.loader
  const users = loader.options.users
  if (!loader.jwt || !users || state.kind !== 'cookie' || session.userId === null) return true
  return (await checkSessionUser(loader.keys, users, session.userId, session.authHash)) !== null
}

/**
 * Ends the request's session instead of sending it a token, as `getSessionUser` would
 * have on its next read: the session is deleted and the browser told to drop its cookie.
 */
function flushInstead(state: SessionState): Promise<CommitResult> {
  switchSession(state, null, null)
  // As `session.flush()`: the anonymous CSRF secret goes too.
  state.cookieCsrf = null
  return commitSession(state)
}

/**
 * The request's session as the store holds it now, when it is still live and still
 * holds the credential the request loaded with; else `null`. One store read, on the
 * rare paths that send a cookie for a session the request did not change.
 */
async function heldRecord(state: SessionState, now: number): Promise<SessionRecord | null> {
  // A header token gets no cookie: nothing to check.
  if (state.kind !== 'cookie' || !state.base || !state.credentialHash) return null
  const id = state.base.id
  const hash = state.credentialHash
  const current = await state.loader.call('get', (store) => store.get(id))
  if (!current || now >= expiresAt(current) || !holdsCredential(current, 'cookie', hash))
    return null
  // Old rows keep the JWT claims in their data: the token is issued from the fields.
  return upgradeRecord(current)
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
