import { base64url } from '../lib/base64url.js'
import type { RandomSource } from '../lib/random.js'

/** Bytes in a session id: 128 bits, enough that ids never collide and cannot be guessed. */
const ID_BYTES = 16
/** Bytes in a credential secret: 256 bits from the CSPRNG. */
const SECRET_BYTES = 32

// base64url lengths of the two parts; anything else is refused before any store lookup.
const FORMAT = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/

/**
 * A session credential as a client holds it: `<id>.<secret>`. The id locates the
 * record; the secret proves possession and is stored only as a SHA-256 hash, so a
 * leaked database holds nothing a client could present (Lucia's `id.secret` scheme).
 */
export interface Credential {
  id: string
  secret: string
  /** The string the client sends back: `${id}.${secret}`. */
  value: string
}

/** Generates a new session id: 128 random bits, base64url. */
export function newSessionId(random: RandomSource): string {
  return base64url(random(ID_BYTES))
}

/**
 * Generates a new session's id and credential from one draw of the CSPRNG (the id's 128
 * bits, then the secret's 256): each call of the platform's generator has a fixed cost
 * whatever its size (about 5 µs with Node's OpenSSL on the bench machine, bench/README),
 * and every new session needs both.
 */
export function newSessionCredential(random: RandomSource): Credential {
  const bytes = random(ID_BYTES + SECRET_BYTES)
  const id = base64url(bytes.subarray(0, ID_BYTES))
  const secret = base64url(bytes.subarray(ID_BYTES))
  return { id, secret, value: `${id}.${secret}` }
}

/** Generates a fresh credential for session `id` with a 256-bit secret. */
export function newCredential(id: string, random: RandomSource): Credential {
  const secret = base64url(random(SECRET_BYTES))
  return { id, secret, value: `${id}.${secret}` }
}

/**
 * Reads a credential from untrusted input. Returns `null` for anything that is not
 * exactly the issued shape; never throws, never touches a store.
 */
export function parseCredential(value: string | undefined | null): Credential | null {
  if (typeof value !== 'string' || value.length !== 66 || !FORMAT.test(value)) return null
  return { id: value.slice(0, 22), secret: value.slice(23), value }
}
