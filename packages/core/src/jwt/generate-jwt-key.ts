import { ConfigError } from '../errors.js'
import { isJwtAlgorithm, type JwtAlgorithm } from './jwt-algorithm.js'
import { loadJose } from './lib/load-jose.js'

/**
 * A private JWK as the key-set file holds it.
 *
 * @example
 * ```ts
 * const jwk: JwtPrivateJwk = await generateJwtKey('ES256') // { kty: 'EC', crv, x, y, d, kid, alg, use: 'sig' }
 * ```
 */
export type JwtPrivateJwk = Record<string, string> & { kid: string; alg: JwtAlgorithm; use: 'sig' }

/**
 * Generates a new signing key as a private JWK in the key-set file format: `kid` (the
 * RFC 7638 thumbprint of its public part unless given), `alg` and `use: "sig"`. Put it
 * first in `{ "keys": [...] }` (giving the previous first key a `retiredAt`) and load the
 * file with `JwtKeySet.fromJson`. `HS256` makes a 256-bit random `oct` key. Core writes no
 * files: saving it (with owner-only permissions) is the caller's job.
 *
 * @example
 * ```ts
 * const file = { keys: [await generateJwtKey('EdDSA')] }
 * writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600 })
 * const keys = await JwtKeySet.fromJson(file)
 * ```
 */
export async function generateJwtKey(
  alg: JwtAlgorithm,
  options: { kid?: string } = {},
): Promise<JwtPrivateJwk> {
  if (!isJwtAlgorithm(alg))
    throw new ConfigError('alg must be one of EdDSA, ES256, RS256, PS256, HS256')
  const { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair } = await loadJose()
  let jwk: Record<string, string>
  if (alg === 'HS256') {
    jwk = { kty: 'oct', k: base64url.encode(crypto.getRandomValues(new Uint8Array(32))) }
  } else {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 })
    const {
      key_ops: _ops,
      ext: _ext,
      alg: _alg,
      ...exported
    } = (await exportJWK(privateKey)) as Record<string, string>
    jwk = exported
  }
  const kid = options.kid ?? (await calculateJwkThumbprint(jwk as never))
  return { ...jwk, kid, alg, use: 'sig' }
}
