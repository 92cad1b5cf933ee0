/**
 * Django's encoded password strings (django/contrib/auth/hashers.py), parsed strictly:
 * - `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>` — PBKDF2-HMAC-SHA256, 32-byte key
 * - `pbkdf2_sha1$<iterations>$<salt>$<base64 hash>` — PBKDF2-HMAC-SHA1, 20-byte key
 * - `scrypt$<N>$<salt>$<r>$<p>$<base64 hash>` — scrypt, 64-byte key
 *
 * Numbers are plain decimal as Python's `%d` writes them (no sign, no leading zero,
 * no exponent); the hash is canonical standard base64 with padding, as
 * `base64.b64encode` writes it. Anything else parses to `undefined`.
 */
export type DjangoHash =
  | {
      algorithm: 'pbkdf2_sha256' | 'pbkdf2_sha1'
      iterations: number
      salt: string
      hash: Buffer
    }
  | { algorithm: 'scrypt'; N: number; r: number; p: number; salt: string; hash: Buffer }

// A Django `password` column holds 128 characters; leave room for custom hashers but
// refuse megabyte-long strings before splitting them.
const MAX_ENCODED_LENGTH = 1024
const MAX_SALT_LENGTH = 256
const KEY_LENGTH = { pbkdf2_sha256: 32, pbkdf2_sha1: 20, scrypt: 64 } as const

const DECIMAL = /^[1-9][0-9]{0,9}$/

/** Parses a Django hash string; `undefined` for anything malformed or unknown. */
export function parseDjangoHash(encoded: string): DjangoHash | undefined {
  if (encoded.length > MAX_ENCODED_LENGTH) return undefined
  const fields = encoded.split('$')
  const algorithm = fields[0]
  if ((algorithm === 'pbkdf2_sha256' || algorithm === 'pbkdf2_sha1') && fields.length === 4) {
    const iterations = parseDecimal(fields[1])
    const salt = parseSalt(fields[2])
    const hash = parseKey(fields[3], KEY_LENGTH[algorithm])
    if (iterations === undefined || salt === undefined || hash === undefined) return undefined
    return { algorithm, iterations, salt, hash }
  }
  if (algorithm === 'scrypt' && fields.length === 6) {
    const N = parseDecimal(fields[1])
    const salt = parseSalt(fields[2])
    const r = parseDecimal(fields[3])
    const p = parseDecimal(fields[4])
    const hash = parseKey(fields[5], KEY_LENGTH.scrypt)
    if (N === undefined || r === undefined || p === undefined) return undefined
    if (salt === undefined || hash === undefined) return undefined
    return { algorithm, N, r, p, salt, hash }
  }
  return undefined
}

/** Formats a scrypt hash exactly as Django's `ScryptPasswordHasher.encode` does. */
export function formatDjangoScrypt(
  params: { N: number; r: number; p: number },
  salt: string,
  hash: Buffer,
): string {
  return `scrypt$${params.N}$${salt}$${params.r}$${params.p}$${hash.toString('base64')}`
}

function parseDecimal(text: string | undefined): number | undefined {
  return text !== undefined && DECIMAL.test(text) ? Number(text) : undefined
}

// Django only forbids `$` (which the split already excludes) and the empty salt.
function parseSalt(text: string | undefined): string | undefined {
  return text !== undefined && text.length > 0 && text.length <= MAX_SALT_LENGTH ? text : undefined
}

// Node's base64 decoder skips characters outside the alphabet and accepts base64url and
// missing padding, so insist that re-encoding gives back exactly the stored text (the
// canonical form `base64.b64encode` writes) and that the key has Django's length.
function parseKey(text: string | undefined, length: number): Buffer | undefined {
  if (text === undefined || text.length !== 4 * Math.ceil(length / 3)) return undefined
  const key = Buffer.from(text, 'base64')
  return key.length === length && key.toString('base64') === text ? key : undefined
}
