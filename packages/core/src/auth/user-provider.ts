/** The fields of a user Tessera's auth helpers need. Apps keep any others beside them. */
export interface AuthUser {
  id: string
  username: string
  /** The encoded password hash (`scrypt$…`, or an imported Django `pbkdf2_sha256$…`). */
  passwordHash: string
  /**
   * A disabled user cannot log in and loses every session at its next request. Disabling
   * a user (or resetting a password outside `SessionManagement.changePassword()`) should
   * also call `SessionManagement.endUserSessions(id)`: until then, what does not look the
   * user up (a store-less JWT verifier, introspection without `users`) still sees a
   * live session. @default true
   */
  isActive?: boolean
}

/**
 * Where users live: the app implements these three methods over its own user table.
 *
 * @example
 * ```ts
 * const users: UserProvider = {
 *   findByUsername: async (name) => db.get('SELECT … FROM users WHERE username = ?', name) ?? null,
 *   findById: async (id) => db.get('SELECT … FROM users WHERE id = ?', id) ?? null,
 *   replacePasswordHash: async (id, previous, hash) =>
 *     db.run('UPDATE users SET password = ? WHERE id = ? AND password = ?', hash, id, previous)
 *       .changes === 1,
 * }
 * ```
 */
export interface UserProvider<U extends AuthUser = AuthUser> {
  findByUsername(username: string): Promise<U | null>
  findById(id: string): Promise<U | null>
  /**
   * Stores `passwordHash` only while the user's stored hash is still exactly `previous`,
   * in one conditional write (`UPDATE … WHERE id = ? AND password = ?`), and answers
   * whether it did. Called when a login upgrades a legacy hash and by
   * `SessionManagement.changePassword()`: both checked a password against `previous`,
   * and neither may write over a hash another request stored meanwhile (a thief's login
   * with a leaked password would otherwise put it back after the owner changed it).
   * An unconditional write here reopens that race.
   */
  replacePasswordHash(id: string, previous: string, passwordHash: string): Promise<boolean>
}
