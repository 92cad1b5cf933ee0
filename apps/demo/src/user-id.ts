/**
 * Whether `id` can be a demo user's id: the decimal integer primary key of the users
 * table, at most 15 digits so `Number(id)` is exact. Anything else (a session's
 * untrusted `userId`, a hostile string) names no user and is never sent to the database.
 *
 * @example
 * ```ts
 * if (!isUserId(id)) return null
 * ```
 */
export function isUserId(id: string): boolean {
  return /^\d{1,15}$/.test(id)
}
