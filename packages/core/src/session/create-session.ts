import { StoreError } from '../errors.js'
import type { SessionRecord } from '../store/session-record.js'
import type { CommitResult } from './commit-result.js'
import { withTokens } from './credential-entry.js'
import { readCsrfCookie } from './csrf-cookie-secret.js'
import { sendSessionCookie } from './session-cookies.js'
import { internalsOf } from './session-draft.js'
import { idleMsOf } from './session-expiry.js'
import { draftIn, type SessionState } from './session-state.js'

/**
 * Stores the request's new session (Django's `save(must_create=True)`): insert-if-absent
 * under a fresh id with a fresh credential, then sends the cookie and emits `created`.
 */
export async function createSession(
  state: SessionState,
  now: number,
  out: CommitResult,
): Promise<void> {
  const loader = state.loader
  const o = loader.options
  const draft = draftIn(state)
  // The session becomes worth storing: the CSRF secret the browser held in its signed
  // cookie moves in (unless this request set one, as login's rotation does), even when
  // nothing read it in this request, so the tokens the page holds keep working.
  if (draft.internal.csrfSecret === undefined && state.kind !== 'token') {
    const secret = await readCsrfCookie(state)
    if (secret !== undefined) draft.internal.csrfSecret = secret
  }
  // A session that handed out a token before it existed must be stored under the id
  // inside that token; others may retry with a fresh id on the (2^-128) collision.
  const attempts = state.newId ? 1 : 3
  for (let attempt = 0; attempt < attempts; attempt++) {
    const credential = state.newId
      ? loader.newCredential(state.newId)
      : loader.newSessionCredential()
    const record: SessionRecord = {
      id: credential.id,
      data: draft.data,
      userId: draft.userId,
      authHash: draft.authHash,
      credentials: withTokens({ cookie: await loader.hashSecret(credential.secret) }, draft.added),
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: now + idleMsOf(o, draft.meta),
      absoluteExpiresAt: Math.min(now + o.absoluteMs, draft.expireBy ?? Number.POSITIVE_INFINITY),
      version: 1,
      meta: draft.meta,
      ...internalsOf(draft.internal),
    }
    // Insert-if-absent: a colliding id (2^-128) must never overwrite someone's session.
    if (await loader.call('create', (store) => store.create(record))) {
      state.base = record
      state.credential = credential
      await sendSessionCookie(state, credential, record, now, out)
      loader.emit({ type: 'created', session: record.id, at: now })
      return
    }
  }
  throw new StoreError('STORE_CONFLICT', 'create')
}
