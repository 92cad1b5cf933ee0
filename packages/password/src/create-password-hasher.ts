import { timingSafeEqual } from 'node:crypto'
import { ArgumentError, ConfigError, type PasswordHasher } from '@tessera/core'
import { formatDjangoScrypt, parseDjangoHash } from './lib/django-format.js'
import { djangoSalt, isWeakSalt } from './lib/django-salt.js'
import { derivePbkdf2, deriveScrypt, type ScryptParams, scryptMemory } from './lib/kdf.js'

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
  }
  /**
   * Most PBKDF2 iterations a stored `pbkdf2_*` hash may ask for; a hash asking for more
   * is refused (`valid: false`) without being computed. Django 6.0 writes 1,200,000.
   * @default 10000000
   */
  pbkdf2Iterations?: number
}

const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 5 }
const DEFAULT_MAXMEM = 64 * 1024 * 1024
const DEFAULT_MAX_PBKDF2_ITERATIONS = 10_000_000
// Ceiling on N·r·p, which scrypt's running time is proportional to: 12.8 times the
// default (~2.4 s on the reference 2-core machine). A stored hash beyond it is refused.
const MAX_SCRYPT_WORK = 2 ** 23
// Node's pbkdf2 takes a signed 32-bit iteration count.
const MAX_INT32 = 2 ** 31 - 1
const SCRYPT_KEY_LENGTH = 64 // Django's dklen

const REFUSED = Object.freeze({ valid: false, needsRehash: false })

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
 * **Verification** accepts Django's `pbkdf2_sha256$…` (PBKDF2-HMAC-SHA256, 32-byte
 * key), `pbkdf2_sha1$…` (PBKDF2-HMAC-SHA1, 20-byte key) and `scrypt$…`, always compared
 * with `crypto.timingSafeEqual`. `needsRehash` is `true` — only ever with `valid:
 * true` — for every PBKDF2 hash, and for a scrypt hash whose N, r or p differ from the
 * current ones (Django's `must_update`) or whose salt holds under 128 bits.
 *
 * **Hostile or broken hashes** answer `valid: false` without throwing and without
 * doing unbounded work: malformed strings, unknown algorithms, Django's unusable
 * password (`!…`), non-canonical base64, wrong key lengths, PBKDF2 iterations above
 * `pbkdf2Iterations`, scrypt N not a power of two, N·r·p above 2^23 or memory above
 * `maxmem`. A row in the users table should never be able to pin a CPU for minutes or
 * exhaust memory.
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
 * const { valid, needsRehash } = await passwords.verify(input, user.password)
 * if (valid && needsRehash) await users.update(user.id, { password: await passwords.hash(input) })
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
  validate(current, maxmem, maxIterations)

  const scryptAllowed = (params: ScryptParams): boolean =>
    isPowerOfTwo(params.N) &&
    params.N * params.r * params.p <= MAX_SCRYPT_WORK &&
    scryptMemory(params) <= maxmem

  return {
    async hash(password: string): Promise<string> {
      if (typeof password !== 'string') throw new ArgumentError('password must be a string')
      const salt = djangoSalt()
      const key = await deriveScrypt(
        Buffer.from(password, 'utf8'),
        Buffer.from(salt, 'utf8'),
        current,
        maxmem,
        SCRYPT_KEY_LENGTH,
      )
      return formatDjangoScrypt(current, salt, key)
    },

    async verify(password: string, encoded: string) {
      if (typeof password !== 'string' || typeof encoded !== 'string') return REFUSED
      // `!…` is Django's unusable password (set_unusable_password): nothing matches it.
      if (encoded.startsWith('!')) return REFUSED
      const stored = parseDjangoHash(encoded)
      if (stored === undefined) return REFUSED
      const secret = Buffer.from(password, 'utf8')
      const salt = Buffer.from(stored.salt, 'utf8')
      try {
        if (stored.algorithm === 'scrypt') {
          if (!scryptAllowed(stored)) return REFUSED
          const key = await deriveScrypt(secret, salt, stored, maxmem, stored.hash.length)
          if (!timingSafeEqual(key, stored.hash)) return REFUSED
          const outdated =
            stored.N !== current.N ||
            stored.r !== current.r ||
            stored.p !== current.p ||
            isWeakSalt(stored.salt)
          return { valid: true, needsRehash: outdated }
        }
        if (stored.iterations > maxIterations) return REFUSED
        const digest = stored.algorithm === 'pbkdf2_sha256' ? 'sha256' : 'sha1'
        const key = await derivePbkdf2(secret, salt, stored.iterations, stored.hash.length, digest)
        return timingSafeEqual(key, stored.hash) ? { valid: true, needsRehash: true } : REFUSED
      } catch {
        // The limits above should keep OpenSSL from ever refusing; if it does, the
        // stored hash is still untrusted input and must not turn into a 500.
        return REFUSED
      }
    },
  }
}

function validate(current: ScryptParams, maxmem: number, maxIterations: number): void {
  if (!Number.isSafeInteger(current.N) || !isPowerOfTwo(current.N)) {
    throw new ConfigError('scrypt.N must be a power of two greater than 1')
  }
  for (const name of ['r', 'p'] as const) {
    if (!Number.isSafeInteger(current[name]) || current[name] < 1) {
      throw new ConfigError(`scrypt.${name} must be a positive integer`)
    }
  }
  if (current.N * current.r * current.p > MAX_SCRYPT_WORK) {
    throw new ConfigError(`scrypt N·r·p must be at most ${MAX_SCRYPT_WORK}`)
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

function isPowerOfTwo(n: number): boolean {
  return n >= 2 && Number.isInteger(Math.log2(n))
}
