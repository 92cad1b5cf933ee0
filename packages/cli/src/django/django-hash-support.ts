/**
 * The Django hashers whose hashes Tessera verifies (`@tessera/password`): PBKDF2 with
 * SHA-256 (Django's default) or SHA-1, and scrypt. Users with any other hash (Argon2,
 * bcrypt, and the long-deprecated MD5/SHA-1/crypt ones) cannot log in with it.
 */
const SUPPORTED = ['pbkdf2_sha256', 'pbkdf2_sha1', 'scrypt'] as const

/**
 * What a Django-encoded password hash is, for the import: `supported` (Tessera verifies
 * it and re-hashes it with scrypt at the next login), `unusable` (Django's `!…`, from
 * `set_unusable_password()`: no password login there either), or the name of an
 * algorithm Tessera does not verify.
 *
 * @example
 * ```ts
 * djangoHashKind('pbkdf2_sha256$260000$salt$hash') // 'supported'
 * djangoHashKind('argon2$argon2id$v=19$…')         // 'argon2'
 * ```
 */
export function djangoHashKind(encoded: string): 'supported' | 'unusable' | string {
  if (encoded === '' || encoded.startsWith('!')) return 'unusable'
  const algorithm = encoded.slice(0, Math.max(0, encoded.indexOf('$'))) || 'unknown'
  return (SUPPORTED as readonly string[]).includes(algorithm) ? 'supported' : algorithm
}
