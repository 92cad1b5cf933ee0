import type { PasswordHasher } from './password-hasher.js'
import type { AuthUser, UserProvider } from './user-provider.js'

/** What {@link authenticate} needs: where users are and how passwords are hashed. */
export interface AuthenticateOptions<U extends AuthUser> {
  users: UserProvider<U>
  hasher: PasswordHasher
}

/**
 * Checks a username and password, as Django's `authenticate()`. Returns the user, or
 * `null` for an unknown user, a wrong password or a disabled user — the caller cannot
 * tell which, and neither can an attacker timing it: an unknown user costs one full
 * password hash, like a wrong password does, and a conforming {@link PasswordHasher}
 * spends at least that on every refusal (unusable, unknown-algorithm or cheaper legacy
 * hashes included). A correct password stored with an older
 * algorithm (an imported Django `pbkdf2_sha256` hash) is re-hashed with the current one,
 * through {@link UserProvider.replacePasswordHash}: when the password changed while it
 * was being checked, the login is refused and the new hash stays.
 *
 * @example
 * ```ts
 * const user = await authenticate({ users, hasher: createPasswordHasher() }, 'ada', 'correct horse')
 * ```
 */
export async function authenticate<U extends AuthUser>(
  options: AuthenticateOptions<U>,
  username: string,
  password: string,
): Promise<U | null> {
  const { users, hasher } = options
  const user = await users.findByUsername(username)
  if (!user) {
    // Spend what a real check spends, so response time does not reveal which usernames
    // exist: one hash with the current parameters, what a wrong password against a
    // current hash costs — and, by the PasswordHasher contract, the least any refusal
    // costs (an unusable `!…` or legacy stored hash included).
    // A non-string password from untrusted JSON costs the same and refuses the same.
    await hasher.hash(typeof password === 'string' ? password : '')
    return null
  }
  // The hash this check is against, kept: a provider may hand out an object it updates.
  const checked = user.passwordHash
  const { valid, needsRehash } = await hasher.verify(password, checked)
  if (!valid || user.isActive === false) return null
  if (needsRehash) {
    const upgraded = await hasher.hash(password)
    // Only over the hash just checked: if the password changed while it was checked, the
    // one given is no longer the user's, and the login is refused.
    if (!(await users.replacePasswordHash(user.id, checked, upgraded))) return null
    return { ...user, passwordHash: upgraded }
  }
  return user
}
