import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import type { JwtKeySet } from './jwt-key-file.js'

/** Algorithms the demo can generate a key for. */
export type GeneratedAlg = 'EdDSA' | 'ES256'

/**
 * A key set of one freshly generated private key for `alg`, in the key-set file format
 * (`kid` = the key's RFC 7638 thumbprint, `alg`, `use: "sig"`).
 *
 * @example
 * ```ts
 * const keySet = await generateJwtKeySet('ES256')
 * keySet.keys[0].crv // 'P-256'
 * ```
 */
export async function generateJwtKeySet(alg: GeneratedAlg): Promise<JwtKeySet> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = await exportJWK(privateKey)
  const kid = await calculateJwkThumbprint(jwk)
  return { keys: [{ ...jwk, kid, alg, use: 'sig' }] }
}
