import type { SessionRecord } from './session-record.js'

/**
 * `record` as a store answered it, when it has the shape the core relies on; else throws
 * a `TypeError`, which the store call it runs in turns into `STORE_UNAVAILABLE` (a 503),
 * as unreadable JSON already is. A store holds what anyone who can write to it planted:
 * a record whose data or credentials are not objects, or whose times are not numbers,
 * must not crash the request with a 500 (or, through `listByUser`, every listing of its
 * user's sessions). `null` and `undefined` (no record, no answer) pass. The message names
 * no id.
 *
 * @example
 * ```ts
 * const read = async () => checkRecord(await store.get(id))
 * const record = await callStore(policy, 'get', read)
 * ```
 */
export function checkRecord<T extends SessionRecord | null | undefined>(record: T): T {
  if (record === null || record === undefined || isRecord(record)) return record
  throw new TypeError('The session store answered a record that is not a session record')
}

/** `records`, each checked by {@link checkRecord}. */
export function checkRecords(records: SessionRecord[]): SessionRecord[] {
  for (const record of records) checkRecord(record)
  return records
}

function isRecord(r: SessionRecord): boolean {
  return (
    isObject(r) &&
    typeof r.id === 'string' &&
    isObject(r.data) &&
    isObject(r.credentials) &&
    (r.userId === null || typeof r.userId === 'string') &&
    (r.authHash == null || typeof r.authHash === 'string') &&
    Number.isFinite(r.createdAt) &&
    Number.isFinite(r.lastSeenAt) &&
    Number.isFinite(r.idleExpiresAt) &&
    Number.isFinite(r.absoluteExpiresAt) &&
    Number.isSafeInteger(r.version) &&
    (r.meta === undefined || isObject(r.meta))
  )
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
