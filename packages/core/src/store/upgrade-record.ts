import type { JsonValue, SessionData, SessionRecord } from './session-record.js'

/**
 * Data keys under which earlier versions of Tessera kept their own state inside the
 * session data, and the record field each now lives in. Reserved: `session.set()`
 * refuses them, so a key an app writes can never be mistaken for one of these.
 */
export const LEGACY_KEYS = {
  _csrf: 'csrfSecret',
  _auth_at: 'authenticatedAt',
  _jwt: 'jwtClaims',
} as const satisfies Record<string, keyof SessionRecord>

/**
 * `record` with the core's own state out of its data: a record written before that
 * state had fields of its own (`_csrf`, `_auth_at`, `_jwt` inside `data`) gets them
 * moved into `csrfSecret`, `authenticatedAt` and `jwtClaims`, so old rows load on every
 * store with no migration step. A field already set wins over a legacy key; a legacy
 * value of the wrong type is dropped (the store is trusted, but not to be well-formed).
 * Returns `record` itself when there is nothing to move; never mutates it.
 */
export function upgradeRecord(record: SessionRecord): SessionRecord {
  const data = record.data
  if (
    !Object.hasOwn(data, '_csrf') &&
    !Object.hasOwn(data, '_auth_at') &&
    !Object.hasOwn(data, '_jwt')
  )
    return record
  // Null prototype: a `__proto__` key in the data stays a plain key (see `ownRecord`).
  const rest = Object.create(null) as SessionData
  for (const key of Object.keys(data)) {
    if (!Object.hasOwn(LEGACY_KEYS, key)) rest[key] = data[key] as JsonValue
  }
  const out: SessionRecord = { ...record, data: rest }
  const csrf = data._csrf
  if (out.csrfSecret === undefined && typeof csrf === 'string') out.csrfSecret = csrf
  const at = data._auth_at
  if (out.authenticatedAt === undefined && typeof at === 'number' && Number.isFinite(at))
    out.authenticatedAt = at
  const claims = data._jwt
  if (out.jwtClaims === undefined && claims && typeof claims === 'object' && !Array.isArray(claims))
    out.jwtClaims = claims
  return out
}
