import type { JWK } from 'jose'

/** The signing algorithms `tessera keys` makes keys for. */
export const SIGNING_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const
/** One of {@link SIGNING_ALGORITHMS}, spelled as JOSE spells it (`alg`). */
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number]

/** A freshly generated key pair in every shape the command writes. */
export interface SigningKey {
  kid: string
  alg: SigningAlgorithm
  /** Private JWK with `kid`, `alg` and `use: "sig"`: one entry of a key set file. */
  privateJwk: JWK
  /** The public half, same `kid`/`alg`/`use`: what verifiers get (a JWKS entry). */
  publicJwk: JWK
  /** PKCS#8 PEM of the private key. */
  privatePem: string
  /** SPKI PEM of the public key. */
  publicPem: string
}

/**
 * Generates a signing key pair with jose (Web Crypto): Ed25519 for `EdDSA`, P-256 for
 * `ES256`, 2048-bit RSA for `RS256`. The `kid` defaults to the RFC 7638 SHA-256
 * thumbprint of the public key, so it is unique and says nothing but which key it is.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey('EdDSA')
 * await writeFile('jwt-keys.json', JSON.stringify({ keys: [key.privateJwk] }), { mode: 0o600 })
 * ```
 */
export async function generateSigningKey(alg: SigningAlgorithm, kid?: string): Promise<SigningKey> {
  // Imported here, not at the top: the other commands (clearsessions, migrate, …) start
  // without loading jose (`tessera --help`: 157 ms instead of 187 ms).
  const { calculateJwkThumbprint, exportJWK, exportPKCS8, exportSPKI, generateKeyPair } =
    await import('jose')
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicBare = await exportJWK(publicKey)
  const id = kid ?? (await calculateJwkThumbprint(publicBare, 'sha256'))
  const meta = { kid: id, alg, use: 'sig' }
  return {
    kid: id,
    alg,
    privateJwk: { ...meta, ...(await exportJWK(privateKey)) },
    publicJwk: { ...meta, ...publicBare },
    privatePem: await exportPKCS8(privateKey),
    publicPem: await exportSPKI(publicKey),
  }
}

/**
 * The public members of a private JWK of any of the key types above (no `d`, `p`, `q`, …),
 * and its `retiredAt`: a verify-only service that loads the public set with
 * `JwtKeySet.fromJson` then ends a retired key's trust after its grace, as the app does.
 */
export function publicJwkOf(jwk: JWK & { retiredAt?: number }): JWK {
  const { kty, crv, x, y, n, e, kid, alg, use, retiredAt } = jwk
  const out: JWK = {}
  for (const [name, value] of Object.entries({ kid, alg, use, kty, crv, x, y, n, e, retiredAt })) {
    if (value !== undefined) (out as Record<string, unknown>)[name] = value
  }
  return out
}
