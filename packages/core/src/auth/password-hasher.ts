/**
 * Hashes and checks passwords. Tessera's auth helpers depend only on this interface;
 * `@tessera/password` provides the Node implementation (`createPasswordHasher`:
 * scrypt for new hashes, verification of Django's `pbkdf2_sha256$…`, `pbkdf2_sha1$…`
 * and `scrypt$…` hashes). The core stays free of `node:` imports, so another runtime
 * can plug in its own.
 *
 * Contract for implementations:
 * - `encoded` is untrusted (it comes from a database a migration or an attacker may
 *   have touched): `verify` never throws and never hangs on it — a malformed,
 *   unknown, unusable (`!…`) or absurdly expensive hash answers `valid: false`.
 * - Hashes are compared in constant time.
 * - Every refusal costs at least what `hash()` costs. `authenticate()` answers an
 *   unknown user after one `hash()`; a `verify` that refuses an unusable, malformed,
 *   unsupported or over-limit hash at once, or a wrong password against a cheaper legacy
 *   hash sooner, lets the time of a failed login tell which usernames exist. So refuse
 *   the first kind only after one dummy hash with the current parameters (Django's
 *   `fake_runtime`), and add the missing work to the second (Django's `harden_runtime`).
 * - `needsRehash` is only ever `true` together with `valid: true`, so an application
 *   that re-hashes on `needsRehash` can never store a wrong password.
 *
 * @example
 * ```ts
 * const { valid, needsRehash } = await hasher.verify(password, user.passwordHash)
 * if (!valid) return refuseLogin()
 * if (needsRehash) {
 *   await users.replacePasswordHash(user.id, user.passwordHash, await hasher.hash(password))
 * }
 * ```
 */
export interface PasswordHasher {
  /** Hash a new password with the current algorithm and parameters; costs what `verify` costs on a current hash. */
  hash(password: string): Promise<string>
  /**
   * Check a password; `needsRehash` is true when the stored hash uses an older algorithm
   * or weaker parameters. Never throws on a malformed `encoded` (valid: false), and
   * spends at least a current hash's work before answering `valid: false`.
   */
  verify(password: string, encoded: string): Promise<{ valid: boolean; needsRehash: boolean }>
}
