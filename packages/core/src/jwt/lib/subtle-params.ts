import type { JwtAlgorithm } from '../jwt-algorithm.js'

/**
 * The Web Crypto parameters that sign and verify with each JWS algorithm (RFC 7518 §3):
 * ES256 signatures are r ‖ s as Web Crypto gives them, PS256 salts 32 bytes. Internal.
 *
 * @example
 * ```ts
 * const ok = await crypto.subtle.verify(subtleParams('EdDSA'), publicKey, signature, input)
 * ```
 */
export function subtleParams(
  alg: JwtAlgorithm,
): AlgorithmIdentifier | EcdsaParams | RsaPssParams | HmacImportParams {
  switch (alg) {
    case 'HS256':
      return { name: 'HMAC', hash: 'SHA-256' }
    case 'ES256':
      return { name: 'ECDSA', hash: 'SHA-256' }
    case 'PS256':
      return { name: 'RSA-PSS', saltLength: 32 }
    case 'RS256':
      return { name: 'RSASSA-PKCS1-v1_5' }
    default:
      return { name: 'Ed25519' }
  }
}
