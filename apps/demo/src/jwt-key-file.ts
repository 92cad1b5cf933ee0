import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { generateJwtKey, type JwtAlgorithm, type JwtPrivateJwk } from '@tessera/core'

/** The key-set file format Tessera reads: the first key signs, older ones only verify. */
export interface JwtKeySetFile {
  keys: (JwtPrivateJwk & { retiredAt?: number })[]
}

/**
 * Reads the JWT key-set file (JSON `{ "keys": [JWK, ...] }`, the first key the current
 * signer, an older one optionally `"retiredAt"`). With `create`, a missing file is made
 * on first start: one fresh private `alg` key (EdDSA by default) whose `kid` is its
 * RFC 7638 thumbprint, written with mode 0600 and never overwritten (`wx`), so a
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
    try {
      writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
      return created
    } catch (error) {
      // Another instance created it first: use theirs, so both sign with one key.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
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
