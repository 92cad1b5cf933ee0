import { readFileSync, statSync } from 'node:fs'
import { JwtKeySet } from '@tessera/core'

/**
 * Reads `JWT_KEY_FILE`: one PEM private key (PKCS#8 `PRIVATE KEY`), the file
 * django-session-jwt's `key` setting names. Its algorithm follows from the key
 * (Ed25519 → EdDSA, EC P-256 → ES256, RSA → RS256), its `kid` is the RFC 7638
 * thumbprint of its public half, and the JWKS publishes that public half. A missing or
 * unreadable file, a public key or another kind of PEM stops startup with a message
 * naming the file, never the key.
 *
 * @example
 * ```ts
 * // openssl genpkey -algorithm ed25519 -out jwt-key.pem
 * const keys = await jwtKeySetFromPemFile('jwt-key.pem')
 * keys.currentAlg // 'EdDSA'
 * ```
 */
export async function jwtKeySetFromPemFile(file: string): Promise<JwtKeySet> {
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(
      `JWT_KEY_FILE ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`,
    )
  }
  if (!pem.trim().startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new Error(
      `JWT_KEY_FILE ${file} must hold a PKCS#8 private key ("-----BEGIN PRIVATE KEY-----"; openssl pkcs8 -topk8 -nocrypt converts others)`,
    )
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    console.warn(`WARNING: ${file} holds a private key but other users may read it (chmod 600 it).`)
  }
  try {
    return await JwtKeySet.create([{ key: pem }])
  } catch (error) {
    // ConfigError messages name the rule, never the key material.
    throw new Error(`JWT_KEY_FILE ${file}: ${(error as Error).message}`)
  }
}
