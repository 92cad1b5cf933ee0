import { existsSync, readFileSync, statSync } from 'node:fs'
import { generateJwtKey, type JwtAlgorithm, type JwtPrivateJwk } from '@tessera/core'
import { createFileOnce } from './create-file-once.js'

/** The key-set file format Tessera reads: the first key signs, older ones only verify. */
export interface JwtKeySetFile {
  keys: (JwtPrivateJwk & { retiredAt?: number })[]
}

/**
 * Reads the JWT key-set file (JSON `{ "keys": [JWK, ...] }`, the first key the current
 * signer, an older one optionally `"retiredAt"`). With `create`, a missing file is made
 * on first start: one fresh private `alg` key (EdDSA by default) whose `kid` is its
 * RFC 7638 thumbprint, created whole with mode 0600 and never overwritten, so a
 * restart keeps every issued JWT verifiable. Without `create` (an explicit
 * `JWT_KEYS_FILE`), a missing file is an error: a typo must not mint a new key that
 * the federated services have never seen.
 *
 * @example
 * ```ts
 * const keySet = await readOrCreateJwtKeySet('data/jwt-keys.json', { create: true })
 * keySet.keys[0].kid // the signing key's id
 * ```
 */
export async function readOrCreateJwtKeySet(
  file: string,
  options: { create: boolean; alg?: JwtAlgorithm },
): Promise<JwtKeySetFile> {
  if (!existsSync(file)) {
    if (!options.create) throw new Error(`JWT_KEYS_FILE ${file} does not exist`)
    const created: JwtKeySetFile = { keys: [await generateJwtKey(options.alg ?? 'EdDSA')] }
    const json = `${JSON.stringify(created, null, 2)}\n`
    // Another instance may have created it first: then use theirs (read below), so both
    // sign with one key.
    if (createFileOnce(file, json) === json) return created
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    console.warn(`WARNING: ${file} holds private keys but other users may read it (chmod 600 it).`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    throw new Error(`${file} is not JSON; expected { "keys": [JWK, ...] }`)
  }
  // JwtKeySet.fromJson checks the keys themselves, with exact messages.
  return parsed as JwtKeySetFile
}
