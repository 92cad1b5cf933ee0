import type { JwtAlgorithm } from '../jwt-algorithm.js'

// DER encodings (tag, length, value) of the algorithm identifiers in a PKCS#8 or SPKI
// key (RFC 5958 / RFC 5280 AlgorithmIdentifier): id-Ed25519 (RFC 8410), id-ecPublicKey
// with the P-256 curve (RFC 5480), rsaEncryption (RFC 8017).
const ED25519 = [0x06, 0x03, 0x2b, 0x65, 0x70]
const EC_PUBLIC_KEY = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]
const P256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]
const RSA_ENCRYPTION = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
// The AlgorithmIdentifier sits in the first bytes of both structures; looking no
// further keeps a key's random bytes from ever being read as an identifier.
const HEADER_BYTES = 32

/**
 * The algorithm a PEM key (PKCS#8 `PRIVATE KEY` or SPKI `PUBLIC KEY`) is for, as
 * django-session-jwt infers it from the key file: Ed25519 → `EdDSA`, EC P-256 →
 * `ES256`, RSA → `RS256` (PS256 is never guessed: it must be asked for). Undefined when
 * the PEM cannot be read or holds another kind of key; the import then reports it.
 */
export function pemAlgorithm(pem: string): JwtAlgorithm | undefined {
  const body = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
  let der: Uint8Array
  try {
    der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0)).subarray(0, HEADER_BYTES)
  } catch {
    return undefined
  }
  if (has(der, ED25519)) return 'EdDSA'
  if (has(der, EC_PUBLIC_KEY)) return has(der, P256) ? 'ES256' : undefined
  if (has(der, RSA_ENCRYPTION)) return 'RS256'
  return undefined
}

function has(bytes: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}
