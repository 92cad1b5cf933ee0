import { ArgumentError, ConfigError } from '../errors.js'
import { type RandomSource, secureRandom } from '../lib/random.js'

// Django's CSRF_ALLOWED_CHARS = string.ascii_letters + string.digits. The order matters:
// masking adds alphabet indexes, so tokens interoperate with Django only in this order.
const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const BASE = CHARS.length // 62

// Index of each ASCII char in CHARS, -1 elsewhere: a table lookup instead of
// indexOf(), so unmasking takes the same time whatever the characters are.
const INDEX = new Int8Array(128).fill(-1)
for (let i = 0; i < BASE; i++) INDEX[CHARS.charCodeAt(i)] = i

// The largest multiple of 62 that fits in a byte. Bytes at or above it are thrown away
// (rejection sampling): `byte % 62` over all 256 values would pick the first 8
// characters 5/256 of the time and the rest 4/256, a bias an attacker could exploit.
const UNBIASED_LIMIT = BASE * Math.floor(256 / BASE) // 248

/**
 * Length of a CSRF secret: 32 characters of `[a-zA-Z0-9]` (Django's
 * `CSRF_SECRET_LENGTH`), about 190 bits.
 *
 * @example
 * ```ts
 * createCsrfSecret().length === CSRF_SECRET_LENGTH // true
 * ```
 */
export const CSRF_SECRET_LENGTH = 32

/**
 * Length of a masked CSRF token: a 32-character mask followed by the 32-character
 * masked secret (Django's `CSRF_TOKEN_LENGTH`).
 *
 * @example
 * ```ts
 * maskCsrfSecret(createCsrfSecret()).length === CSRF_TOKEN_LENGTH // true
 * ```
 */
export const CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH

/**
 * A new CSRF secret: 32 characters drawn uniformly from `[a-zA-Z0-9]` with the
 * platform CSPRNG (Django's `_get_new_csrf_string`). The secret itself is never sent
 * to a client; only {@link maskCsrfSecret masked} forms of it are.
 *
 * @param random - Source of random bytes; injectable so tests are repeatable.
 * @example
 * ```ts
 * await session.set(CSRF_SESSION_KEY, createCsrfSecret())
 * ```
 */
export function createCsrfSecret(random: RandomSource = secureRandom): string {
  return randomChars(CSRF_SECRET_LENGTH, random)
}

/**
 * Masks a secret into a 64-character token exactly as Django's `_mask_cipher_secret`
 * does: a fresh random mask, then `cipher[i] = CHARS[(idx(secret[i]) + idx(mask[i])) % 62]`,
 * token = mask + cipher. Every call gives a different token for the same secret, so a
 * response body that reflects attacker input next to the token does not leak the
 * secret through compression (the BREACH attack). Django accepts these tokens and
 * Tessera accepts Django's.
 *
 * @param secret - A secret from {@link createCsrfSecret}.
 * @param random - Source of random bytes for the mask.
 * @throws ArgumentError when `secret` is not 32 characters of `[a-zA-Z0-9]` (a programming
 *   error; the message does not echo it).
 * @example
 * ```ts
 * const token = maskCsrfSecret(secret) // put it in the page or the csrftoken cookie
 * unmaskCsrfToken(token) === secret // true
 * ```
 */
export function maskCsrfSecret(secret: string, random: RandomSource = secureRandom): string {
  if (!isCsrfSecret(secret)) {
    throw new ArgumentError(
      `maskCsrfSecret() needs a secret of ${CSRF_SECRET_LENGTH} characters from [a-zA-Z0-9]`,
    )
  }
  const mask = randomChars(CSRF_SECRET_LENGTH, random)
  let cipher = ''
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    const sum = (INDEX[secret.charCodeAt(i)] as number) + (INDEX[mask.charCodeAt(i)] as number)
    cipher += CHARS[sum % BASE]
  }
  return mask + cipher
}

/**
 * Recovers the secret from a masked token, like Django's `_unmask_cipher_token`:
 * `secret[i] = CHARS[(idx(cipher[i]) - idx(mask[i])) mod 62]`. Untrusted input never
 * throws: anything that is not exactly 64 characters of `[a-zA-Z0-9]` gives `undefined`.
 * Compare the result with the session's secret in constant time.
 *
 * @param token - A masked token as a client sent it.
 * @returns The 32-character secret, or `undefined` for a malformed token.
 * @example
 * ```ts
 * const secret = unmaskCsrfToken(request.headers.get('x-csrftoken') ?? '')
 * ```
 */
export function unmaskCsrfToken(token: string): string | undefined {
  if (typeof token !== 'string' || token.length !== CSRF_TOKEN_LENGTH || !isAlphanumeric(token)) {
    return undefined
  }
  let secret = ''
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    const mask = INDEX[token.charCodeAt(i)] as number
    const cipher = INDEX[token.charCodeAt(CSRF_SECRET_LENGTH + i)] as number
    secret += CHARS[unmaskedIndex(mask, cipher)]
  }
  return secret
}

/**
 * Whether `value` has the shape of a CSRF secret (32 characters of `[a-zA-Z0-9]`).
 * @internal
 */
export function isCsrfSecret(value: unknown): value is string {
  return typeof value === 'string' && value.length === CSRF_SECRET_LENGTH && isAlphanumeric(value)
}

/**
 * Whether every character of `value` is in `[a-zA-Z0-9]`.
 * @internal
 */
export function isAlphanumeric(value: string): boolean {
  let bad = 0
  for (let i = 0; i < value.length; i++) {
    // The method as a constant, as in constantTimeEqual: no property lookup per character.
    const c = String.prototype.charCodeAt.call(value, i)
    // Outside ASCII (>> 7), or outside the alphabet (index -1, bit 7 set): no branch.
    bad |= (c >> 7) | ((INDEX[c & 0x7f] as number) & 0x80)
  }
  return bad === 0
}

/**
 * Whether the masked `token` unmasks to `secret` ({@link unmaskCsrfToken} and a
 * constant-time compare in one pass, building no string): every position is read
 * whatever matches. `false` unless `token` is {@link CSRF_TOKEN_LENGTH} characters and
 * `secret` {@link CSRF_SECRET_LENGTH}, both of `[a-zA-Z0-9]`.
 * @internal
 */
export function maskedTokenMatches(token: string, secret: string): boolean {
  if (token.length !== CSRF_TOKEN_LENGTH || secret.length !== CSRF_SECRET_LENGTH) return false
  let diff = 0
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    const m = String.prototype.charCodeAt.call(token, i)
    const c = String.prototype.charCodeAt.call(token, CSRF_SECRET_LENGTH + i)
    const s = String.prototype.charCodeAt.call(secret, i)
    const mask = INDEX[m & 0x7f] as number
    const cipher = INDEX[c & 0x7f] as number
    const expected = INDEX[s & 0x7f] as number
    // A character outside ASCII (>> 7) or outside the alphabet (index -1, bit 7 set) sets
    // bits that no match clears.
    diff |= ((m | c | s) >> 7) | ((mask | cipher | expected) & 0x80)
    diff |= unmaskedIndex(mask, cipher) ^ expected
  }
  return diff === 0
}

/** The alphabet index a cipher character unmasks to under its mask character's index. */
function unmaskedIndex(mask: number, cipher: number): number {
  // Django relies on Python's negative indexing (chars[x - y]); + BASE does the same.
  return (cipher - mask + BASE) % BASE
}

function randomChars(count: number, random: RandomSource): string {
  let out = ''
  while (out.length < count) {
    const bytes = random(count - out.length)
    if (bytes.length === 0) throw new ConfigError('The random source returned no bytes')
    for (const byte of bytes) {
      if (byte < UNBIASED_LIMIT && out.length < count) out += CHARS[byte % BASE]
    }
  }
  return out
}
