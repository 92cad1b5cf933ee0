import type { JsonValue, SessionData, SessionMeta, SessionRecord } from '../store/session-record.js'
import { upgradeRecord } from '../store/upgrade-record.js'

/**
 * The core's own state about a session, kept in record fields beside the data: what
 * `keys()`, `data()` and `clear()` never see.
 */
export type SessionInternals = Pick<SessionRecord, 'csrfSecret' | 'authenticatedAt' | 'jwtClaims'>

/**
 * One change a request made to its session. A save that loses a compare-and-set race
 * re-applies exactly these, in order, to the record that won — so two requests that
 * change different keys both land, and neither overwrites the other's keys.
 */
export type SessionOp =
  | { t: 'set'; key: string; value: JsonValue }
  | { t: 'delete'; key: string }
  | { t: 'clear' }
  | { t: 'user'; userId: string | null; authHash: string | null }
  | { t: 'rotate'; hash: string }
  | { t: 'token'; key: string; hash: string }
  | { t: 'expiry'; idleTimeout: number | undefined; browserSession: boolean | undefined }
  | { t: 'expireBy'; at: number }
  | { t: 'internal'; fields: SessionInternals }

/** The mutable view of a session a request works on: a record's fields plus its ops. */
export interface SessionDraft {
  data: SessionData
  userId: string | null
  authHash: string | null
  meta: SessionMeta
  /** Earliest absolute expiry asked for by `setExpiry(date)`, if any. */
  expireBy: number | null
  /** Hash of the cookie secret issued by `cycleKey()`, when this request rotated. */
  rotatedHash: string | null
  /** Credentials issued by this request besides the cookie (header tokens), kind to hash. */
  added: Record<string, string>
  /** CSRF secret, login time and JWT claims: record fields, not data. */
  internal: SessionInternals
}

/**
 * A copy of `data` with a null prototype, holding only its own properties. Session keys
 * are client-influenced strings: on an ordinary object, `data['constructor']` reads
 * `Object.prototype` and `data['__proto__'] = v` replaces the prototype, so a value
 * stored under `__proto__` would surface under every other key. On a null-prototype
 * object every key, `__proto__` included, is a plain own data property.
 */
export function ownRecord(data: SessionData): SessionData {
  const out = Object.create(null) as SessionData
  // Object.keys: own enumerable keys only; JSON.parse keeps `"__proto__"` as one of them.
  for (const key of Object.keys(data)) out[key] = data[key] as JsonValue
  return out
}

/**
 * A draft over `record` (or an empty one for a new session). Stores build records with
 * `JSON.parse` (ordinary objects), so the data is rebuilt with a null prototype here,
 * the one place every store's records enter a session; a record written before the
 * core's state had fields of its own is upgraded here too (see `upgradeRecord`).
 */
export function draftOf(stored: SessionRecord | null, meta: SessionMeta = {}): SessionDraft {
  if (!stored)
    return {
      data: Object.create(null) as SessionData,
      userId: null,
      authHash: null,
      meta: { ...meta },
      expireBy: null,
      rotatedHash: null,
      added: {},
      internal: {},
    }
  const record = upgradeRecord(stored)
  return {
    data: ownRecord(record.data),
    userId: record.userId,
    authHash: record.authHash,
    meta: { ...record.meta },
    expireBy: null,
    rotatedHash: null,
    added: {},
    internal: internalsOf(record),
  }
}

/** The internal fields `record` has, copied (the claims are an object). */
export function internalsOf(record: SessionInternals): SessionInternals {
  const out: SessionInternals = {}
  if (record.csrfSecret !== undefined) out.csrfSecret = record.csrfSecret
  if (record.authenticatedAt !== undefined) out.authenticatedAt = record.authenticatedAt
  if (record.jwtClaims !== undefined) out.jwtClaims = structuredClone(record.jwtClaims)
  return out
}

/**
 * `record` carrying the draft's internal fields instead of its own: a field the draft
 * does not have is absent from the result, so what is saved is exactly the draft.
 */
export function withInternals(record: SessionRecord, internal: SessionInternals): SessionRecord {
  const { csrfSecret: _c, authenticatedAt: _a, jwtClaims: _j, ...rest } = record
  return { ...rest, ...internalsOf(internal) }
}

/** Applies one op to a draft, in place. */
export function applyOp(draft: SessionDraft, op: SessionOp): void {
  switch (op.t) {
    case 'set':
      // op.value is a private JSON copy made by set() and never mutated in place.
      draft.data[op.key] = op.value
      return
    case 'delete':
      delete draft.data[op.key]
      return
    case 'clear':
      draft.data = Object.create(null) as SessionData
      return
    case 'user':
      draft.userId = op.userId
      draft.authHash = op.authHash
      return
    case 'rotate':
      // Rotation replaces every credential, including tokens issued earlier in this request.
      draft.rotatedHash = op.hash
      draft.added = {}
      return
    case 'token':
      draft.added[op.key] = op.hash
      return
    case 'expiry':
      if (op.idleTimeout === undefined) delete draft.meta.idleTimeout
      else draft.meta.idleTimeout = op.idleTimeout
      if (op.browserSession === undefined) delete draft.meta.browserSession
      else draft.meta.browserSession = op.browserSession
      return
    case 'expireBy':
      draft.expireBy = draft.expireBy === null ? op.at : Math.min(draft.expireBy, op.at)
      return
    case 'internal':
      // op.fields is a private copy made by the writer and never mutated in place.
      Object.assign(draft.internal, op.fields)
      return
  }
}

/**
 * Whether saving the draft would store nothing worth keeping (Django's `is_empty`). A
 * session that handed out a header token is kept: the token must keep working. The
 * internal fields do not count: a CSRF secret alone belongs in its signed cookie, and
 * a login time or JWT claims mean nothing without a user.
 */
export function isEmptyDraft(draft: SessionDraft): boolean {
  if (draft.userId !== null) return false
  for (const _ in draft.added) return false
  for (const _ in draft.data) return false
  return true
}
