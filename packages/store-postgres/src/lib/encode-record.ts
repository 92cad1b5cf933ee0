import type { SessionRecord } from '@tessera/core'
import { UnsupportedValueError } from '../unsupported-value-error.js'

// JSON.stringify writes U+0000 as \u0000 and a lone surrogate as \udXXX (lowercase);
// paired surrogates stay raw. An escape counts only after an even run of backslashes,
// so the text `\u0000` in a string (written `\\u0000`) does not match.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/
const UNSTORABLE_CHAR = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * The record as JSON text for a `jsonb` parameter. It also carries `id` and `userId`,
 * so checking it covers the two `text` columns.
 *
 * @throws {UnsupportedValueError} when a string holds U+0000 or a lone surrogate.
 */
export function encodeRecord(record: SessionRecord): string {
  const json = JSON.stringify(record)
  if (UNSTORABLE_ESCAPE.test(json)) throw new UnsupportedValueError()
  return json
}

/**
 * Whether `key` can be a value of a `text` column. A key that cannot (U+0000 is refused
 * by PostgreSQL, a lone surrogate would be sent as U+FFFD and could match another key)
 * was never stored, so lookups answer "nothing" without a query.
 */
export function isStorableKey(key: string): boolean {
  return !UNSTORABLE_CHAR.test(key)
}

/**
 * Expiry as the `bigint` column holds it, rounded up. With {@link nowParam} rounded
 * down, "live while now < expiry" stays exact whenever either side is a whole number
 * of milliseconds, as `Date.now()` always is.
 */
export function expiryParam(ms: number): number {
  return Math.ceil(ms)
}

/** The clock's instant for comparisons with `bigint` columns, rounded down (see {@link expiryParam}). */
export function nowParam(ms: number): number {
  return Math.floor(ms)
}
