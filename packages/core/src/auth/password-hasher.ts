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
 * - `needsRehash` is only ever `true` together with `valid: true`, so an application
 *   that re-hashes on `needsRehash` can never store a wrong password.
 *
 * @example
 * ```ts
 * const { valid, needsRehash } = await hasher.verify(password, user.password)
 * if (!valid) return refuseLogin()
 * if (needsRehash) await users.setPassword(user.id, await hasher.hash(password))
 * ```
 */
export interface PasswordHasher {
  /** Hash a new password with the current algorithm and parameters. */
  hash(password: string): Promise<string>
  /** Check a password; `needsRehash` is true when the stored hash uses an older algorithm or weaker parameters. Never throws on a malformed `encoded` (valid: false). */
  verify(password: string, encoded: string): Promise<{ valid: boolean; needsRehash: boolean }>
}
