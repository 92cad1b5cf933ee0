import type { Keyring } from '../keys/keyring.js'
import { constantTimeEqual } from '../lib/constant-time-equal.js'
import { LruCache } from '../lib/lru-cache.js'

const PURPOSE = 'tessera.session-auth-hash'

/** How many password hashes each keyring remembers a verified auth hash for. */
const VERIFIED_CAPACITY = 4096

/**
 * Per keyring (immutable: a rotated secret is a new keyring), the auth hash last found
 * valid for each password hash, the least recently used out first (`LruCache`'s second
 * chance: a user whose every request reads the same pair costs no reordering). The check is
 * deterministic for a given keyring, password hash and auth hash, so a remembered pair
 * needs no HMAC; a changed password is another key and is verified afresh. Neither value
 * comes from the request: both are read server-side, from the user table and the
 * session record.
 */
const verified = new WeakMap<Keyring, LruCache<string, string>>()

/**
 * Django's session auth hash: an HMAC of the user's password hash under the app
 * secret. Stored in the session at login; when the password changes, the hash no longer
 * matches and every session holding the old one ends. Verification accepts fallback
 * secrets, so rotating the secret logs nobody out.
 *
 * @example
 * ```ts
 * const hash = await sessionAuthHash(manager.keys, user.passwordHash)
 * ```
 */
export function sessionAuthHash(keys: Keyring, passwordHash: string): Promise<string> {
  return keys.sign(PURPOSE, passwordHash)
}

/**
 * Whether `hash` was derived from `passwordHash` under the current or a fallback secret.
 * `getSessionUser` asks this on every request, so a pair found valid is remembered (for
 * the 4,096 password hashes each keyring checked most recently) and compared in constant
 * time next time, instead of computing the HMAC under each secret again.
 */
export async function verifySessionAuthHash(
  keys: Keyring,
  passwordHash: string,
  hash: string,
): Promise<boolean> {
  let known = verified.get(keys)
  const remembered = known?.get(passwordHash)
  if (remembered !== undefined && constantTimeEqual(remembered, hash)) return true
  if (!(await keys.verify(PURPOSE, passwordHash, hash))) return false
  if (known === undefined) {
    known = new LruCache(VERIFIED_CAPACITY)
    verified.set(keys, known)
  }
  known.set(passwordHash, hash)
  return true
}
