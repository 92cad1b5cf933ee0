import { type JwtAlgorithm, JwtKeySet } from '@tessera/core'
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose'

/** A fresh key pair for `alg`, as private and public JWKs and PEMs (extractable). */
export async function keyPair(alg: Exclude<JwtAlgorithm, 'HS256'>, kid = `${alg}-test`) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' }
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return {
    privateKey,
    publicKey,
    privateJwk,
    publicJwk,
    privatePem: await exportPKCS8(privateKey),
    publicPem: await exportSPKI(publicKey),
  }
}

/** A key set file value `{ keys: [...] }` with one fresh EdDSA signing key. */
export async function edKeySet(kid = 'ed-1') {
  const pair = await keyPair('EdDSA', kid)
  return { pair, keys: await JwtKeySet.fromJson({ keys: [pair.privateJwk] }) }
}
