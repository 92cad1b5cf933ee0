import { timingSafeEqual } from 'node:crypto'
import { ArgumentError, ConfigError, type PasswordHasher } from '@tessera/core'
import { formatDjangoScrypt, parseDjangoHash } from './lib/django-format.js'
import { djangoSalt, isWeakSalt } from './lib/django-salt.js'
import {
  type KeyDerivation,
  nodeKeyDerivation,
  PBKDF2_ITERATIONS_PER_SCRYPT_WORK,
  type ScryptParams,
  scryptMemory,
  scryptWork,
} from './lib/kdf.js'

/** Options of {@link createPasswordHasher}. Every field is optional; see the defaults there. */
export interface PasswordHasherOptions {
  /** scrypt parameters for new hashes, and the memory ceiling for every scrypt call. */
  scrypt?: {
    /** CPU/memory cost, a power of two. @default 16384 (2^14) */
    N?: number
    /** Block size. @default 8 */
    r?: number
    /** Parallelism. @default 5 */
    p?: number
    /**
     * Most bytes one scrypt call may allocate — for new hashes and for stored hashes
     * alike, so a stored `scrypt$…` asking for more is refused, not computed.
     * @default 67108864 (64 MiB)
     */
    maxmem?: number
    /**
     * Accept N, r and p below the floor (N·r ≥ 2^16, i.e. 8 MiB per hash, and N·r·p ≥
     * 2^17, Django 4.0's N = 2^14, r = 8, p = 1), which otherwise throw a
     * {@link ConfigError}. For tests, which hash thousands of passwords; a hash written
     * with weak parameters is that weak for as long as it is stored.
     * @default false
     */
    allowWeak?: boolean
  }
  /**
   * Most PBKDF2 iterations a stored `pbkdf2_*` hash may ask for; a hash asking for more
   * is refused (`valid: false`) without being computed. Django 6.0 writes 1,200,000.
   * @default 10000000
   */
  pbkdf2Iterations?: number
  /**
   * The scrypt and PBKDF2 implementations, for running them elsewhere (a worker pool, a
   * native binding) or observing them (metrics, or a test counting the work each
   * `verify` does). They must compute the real functions: the hasher does not check.
   * @default node:crypto's `scrypt` and `pbkdf2`, on the libuv thread pool
   */
  derive?: KeyDerivation
}

const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 5 }
const DEFAULT_MAXMEM = 64 * 1024 * 1024
const DEFAULT_MAX_PBKDF2_ITERATIONS = 10_000_000
// Ceiling on N·r·p, which scrypt's running time is proportional to: 12.8 times the
// default (~2.4 s on the reference 2-core machine). A stored hash beyond it is refused.
const MAX_SCRYPT_WORK = 2 ** 23
// The floor on new hashes' parameters: 8 MiB of memory (OWASP's smallest, N = 2^13 with
// r = 8) and Django 4.0's work (N = 2^14, r = 8, p = 1), a fifth of the default's.
const MIN_SCRYPT_NR = 2 ** 16
const MIN_SCRYPT_WORK = 2 ** 17
// Node's pbkdf2 takes a signed 32-bit iteration count.
const MAX_INT32 = 2 ** 31 - 1
const SCRYPT_KEY_LENGTH = 64 // Django's dklen

// Dummy work only has to cost the same; its result is thrown away. A real salt's length.
const DUMMY_SALT = Buffer.from('tesseraDummyWorkSalt22', 'utf8')

const REFUSED = Object.freeze({ valid: false, needsRehash: false })

/** What checking a stored hash cost before it was refused, so the refusal can make up the rest. */
type Spent =
  | { algorithm: 'scrypt'; work: number }
  | { algorithm: 'pbkdf2'; iterations: number; digest: 'sha256' | 'sha1'; keyLength: number }
const NOTHING: Spent = { algorithm: 'scrypt', work: 0 }

/**
 * Creates the Node {@link PasswordHasher}: scrypt for new hashes, in Django's format,
 * and verification of the hashes a Django project already stores.
 *
 * **New hashes** are `scrypt$<N>$<salt>$<r>$<p>$<base64 key>` exactly as Django's
 * `ScryptPasswordHasher` writes them (64-byte key, 22-character `[a-zA-Z0-9]` salt of
 * ≈131 bits), so a Django app can check them too. The defaults are Django's own since
 * 5.1: N = 2^14, r = 8, p = 5 — one of the equivalent settings the OWASP Password
 * Storage Cheat Sheet lists as its minimum for scrypt (N=2^17/p=1, 2^16/p=2, 2^15/p=3,
 * 2^14/p=5, 2^13/p=10, all with r=8). Among those, 2^14/p=5 is the one stock Django can
 * verify: Django passes `maxmem=0` to `hashlib.scrypt`, which leaves OpenSSL's 32 MiB
 * limit in place, and N ≥ 2^15 with r = 8 needs more (Django ticket #35428 chose it for
 * that reason). It needs 16 MiB and about 190 ms of one core per hash on the reference
 * 2-core machine (see the README); raise N (and `maxmem`) if your hardware allows.
 * Keep N < 2^17 and r, p < 10 if Django must store the result: longer numbers push the
 * string past Django's 128-character `password` column.
 *
 * **A floor**: parameters under 8 MiB per hash (N·r < 2^16) or under Django 4.0's work
 * (N·r·p < 2^17, its N = 2^14, r = 8, p = 1) throw a {@link ConfigError}, so a test's
 * cheap setting copied into production fails at startup instead of writing hashes a
 * GPU cracks. Tests pass `scrypt.allowWeak: true`. Django itself has no floor; a stored
 * hash under it still verifies (with `needsRehash`).
 *
 * **Verification** accepts Django's `pbkdf2_sha256$…` (PBKDF2-HMAC-SHA256, 32-byte
 * key), `pbkdf2_sha1$…` (PBKDF2-HMAC-SHA1, 20-byte key) and `scrypt$…`, always compared
 * with `crypto.timingSafeEqual`. `needsRehash` is `true` — only ever with `valid:
 * true` — for every PBKDF2 hash, and for a scrypt hash whose N, r or p differ from the
 * current ones (Django's `must_update`) or whose salt holds under 128 bits.
 *
 * **Hostile or broken hashes** answer `valid: false` without throwing and without
 * computing their own parameters: malformed strings, unknown algorithms, Django's
 * unusable password (`!…`), non-canonical base64, wrong key lengths, PBKDF2 iterations
 * above `pbkdf2Iterations`, scrypt N not a power of two, N·r·p above 2^23 or memory
 * above `maxmem`. A row in the users table should never be able to pin a CPU for
 * minutes or exhaust memory.
 *
 * **Every refusal costs at least a current hash**, so the time of a failed login does
 * not tell an existing user from an unknown one (for whom `authenticate` runs `hash()`):
 * a hash refused before computing runs one dummy scrypt with the current parameters
 * (Django's `fake_runtime`); a wrong password against a cheaper valid hash runs the
 * difference (Django's `harden_runtime`) — the remaining PBKDF2 iterations up to the
 * current scrypt's equivalent (819,200 for the defaults), or a scrypt with the current N
 * and r and enough p to make up the stored hash's smaller N·r·p. A correct password is
 * not padded: it gets `needsRehash`, and the rehash costs a current hash anyway. A
 * stored hash dearer than the current setting stays dearer; rehashing removes it.
 *
 * **Passwords** are hashed as their UTF-8 bytes, with no Unicode normalisation —
 * Django does not normalise either, so its hashes verify unchanged. (Lone surrogates,
 * which browsers never submit, become U+FFFD as with `TextEncoder`.)
 *
 * Options are validated here; wrong ones throw {@link ConfigError} (`CONFIG_INVALID`).
 *
 * @param options - See {@link PasswordHasherOptions}.
 * @returns A {@link PasswordHasher}.
 * @throws {@link ConfigError} when an option is out of range.
 * @example
 * ```ts
 * import { createPasswordHasher } from '@tessera/password'
 *
 * const passwords = createPasswordHasher()
 * const encoded = await passwords.hash('correct horse battery staple')
 * // "scrypt$16384$Xb3…$8$5$…" — store it as is
 * const { valid, needsRehash } = await passwords.verify(input, user.passwordHash)
 * if (valid && needsRehash) {
 *   await users.replacePasswordHash(user.id, user.passwordHash, await passwords.hash(input))
 * }
 * ```
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const current: ScryptParams = {
    N: options.scrypt?.N ?? DEFAULT_SCRYPT.N,
    r: options.scrypt?.r ?? DEFAULT_SCRYPT.r,
    p: options.scrypt?.p ?? DEFAULT_SCRYPT.p,
  }
  const maxmem = options.scrypt?.maxmem ?? DEFAULT_MAXMEM
  const maxIterations = options.pbkdf2Iterations ?? DEFAULT_MAX_PBKDF2_ITERATIONS
  validate(current, maxmem, maxIterations, options.scrypt?.allowWeak === true)
  const derive = options.derive ?? nodeKeyDerivation
  if (typeof derive?.scrypt !== 'function' || typeof derive.pbkdf2 !== 'function') {
    throw new ConfigError('derive must have scrypt and pbkdf2 functions')
  }
  const currentWork = scryptWork(current)
  const pbkdf2Equivalent = Math.ceil(currentWork * PBKDF2_ITERATIONS_PER_SCRYPT_WORK)

  const scryptAllowed = (params: ScryptParams): boolean =>
    isPowerOfTwo(params.N) &&
    scryptWork(params) <= MAX_SCRYPT_WORK &&
    scryptMemory(params) <= maxmem

  /** Checks `secret` against a stored hash; on refusal, says what the check cost. */
  async function check(
    secret: Buffer,
    encoded: string,
  ): Promise<{ valid: true; needsRehash: boolean } | { valid: false; spent: Spent }> {
    // `!…` is Django's unusable password (set_unusable_password): nothing matches it.
    if (encoded.startsWith('!')) return { valid: false, spent: NOTHING }
    const stored = parseDjangoHash(encoded)
    if (stored === undefined) return { valid: false, spent: NOTHING }
    const salt = Buffer.from(stored.salt, 'utf8')
    if (stored.algorithm === 'scrypt') {
      if (!scryptAllowed(stored)) return { valid: false, spent: NOTHING }
      const params = { N: stored.N, r: stored.r, p: stored.p, maxmem }
      const key = await derive.scrypt(secret, salt, stored.hash.length, params)
      if (!equalKeys(key, stored.hash)) {
        return { valid: false, spent: { algorithm: 'scrypt', work: scryptWork(stored) } }
      }
      const outdated =
        stored.N !== current.N ||
        stored.r !== current.r ||
        stored.p !== current.p ||
        isWeakSalt(stored.salt)
      return { valid: true, needsRehash: outdated }
    }
    if (stored.iterations > maxIterations) return { valid: false, spent: NOTHING }
    const digest = stored.algorithm === 'pbkdf2_sha256' ? 'sha256' : 'sha1'
    const keyLength = stored.hash.length
    const key = await derive.pbkdf2(secret, salt, stored.iterations, keyLength, digest)
    if (equalKeys(key, stored.hash)) return { valid: true, needsRehash: true }
    return {
      valid: false,
      spent: { algorithm: 'pbkdf2', iterations: stored.iterations, digest, keyLength },
    }
  }

  /**
   * Dummy work up to a current hash's cost (Django's `fake_runtime` and
   * `harden_runtime`), so a refusal takes as long as a wrong password against a current
   * hash — and as `authenticate`'s `hash()` for an unknown user.
   */
  async function makeUpCost(secret: Buffer, spent: Spent): Promise<void> {
    if (spent.algorithm === 'pbkdf2') {
      // Same digest and key length, as Django's PBKDF2PasswordHasher.harden_runtime.
      const missing = pbkdf2Equivalent - spent.iterations
      if (missing > 0) {
        await derive.pbkdf2(secret, DUMMY_SALT, missing, spent.keyLength, spent.digest)
      }
      return
    }
    // Time is linear in p: the current N and r with enough p to make up the difference
    // (all of p for a hash refused unread). At most p, so within `maxmem` by validation.
    const p = Math.ceil((currentWork - spent.work) / (current.N * current.r))
    if (p > 0) {
      await derive.scrypt(secret, DUMMY_SALT, SCRYPT_KEY_LENGTH, { ...current, p, maxmem })
    }
  }

  return {
    async hash(password: string): Promise<string> {
      if (typeof password !== 'string') throw new ArgumentError('password must be a string')
      const salt = djangoSalt()
      const key = await derive.scrypt(
        Buffer.from(password, 'utf8'),
        Buffer.from(salt, 'utf8'),
        SCRYPT_KEY_LENGTH,
        { ...current, maxmem },
      )
      return formatDjangoScrypt(current, salt, Buffer.from(key))
    },

    async verify(password: string, encoded: string) {
      // A non-string is refused too, after the same work: answers must not differ in time.
      const secret = Buffer.from(typeof password === 'string' ? password : '', 'utf8')
      let spent = NOTHING
      if (typeof password === 'string' && typeof encoded === 'string') {
        try {
          const checked = await check(secret, encoded)
          if (checked.valid) return checked
          spent = checked.spent
        } catch {
          // The limits above should keep OpenSSL from ever refusing; if it does, the
          // stored hash is still untrusted input and must not turn into a 500.
        }
      }
      try {
        await makeUpCost(secret, spent)
      } catch {
        // Current parameters were validated at setup; a refusal here changes no answer.
      }
      return REFUSED
    },
  }
}

function validate(
  current: ScryptParams,
  maxmem: number,
  maxIterations: number,
  allowWeak: boolean,
): void {
  if (!Number.isSafeInteger(current.N) || !isPowerOfTwo(current.N)) {
    throw new ConfigError('scrypt.N must be a power of two greater than 1')
  }
  for (const name of ['r', 'p'] as const) {
    if (!Number.isSafeInteger(current[name]) || current[name] < 1) {
      throw new ConfigError(`scrypt.${name} must be a positive integer`)
    }
  }
  if (scryptWork(current) > MAX_SCRYPT_WORK) {
    throw new ConfigError(`scrypt N·r·p must be at most ${MAX_SCRYPT_WORK}`)
  }
  if (
    !allowWeak &&
    (current.N * current.r < MIN_SCRYPT_NR || scryptWork(current) < MIN_SCRYPT_WORK)
  ) {
    throw new ConfigError(
      `scrypt N·r must be at least ${MIN_SCRYPT_NR} and N·r·p at least ${MIN_SCRYPT_WORK} ` +
        '(N=16384, r=8, p=1 or stronger; the default is p=5); scrypt.allowWeak: true ' +
        'lowers it for tests only',
    )
  }
  if (!Number.isSafeInteger(maxmem) || maxmem < scryptMemory(current)) {
    throw new ConfigError(
      `scrypt.maxmem must be an integer of at least 128·r·(N+p+2) = ${scryptMemory(current)} bytes`,
    )
  }
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1 || maxIterations > MAX_INT32) {
    throw new ConfigError(`pbkdf2Iterations must be an integer from 1 to ${MAX_INT32}`)
  }
}

function equalKeys(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

function isPowerOfTwo(n: number): boolean {
  return n >= 2 && Number.isInteger(Math.log2(n))
}
