import { randomBytes } from 'node:crypto'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { JWK } from 'jose'
import { CliError } from '../cli-error.js'

/** A key set file: `{ "keys": [JWK, …] }`, the first key the current signer. */
export interface KeySet {
  keys: (JWK & { kid: string; alg: string; use: 'sig'; retiredAt?: number })[]
}

/**
 * Reads and checks a KEY SET FILE, the project-wide format the library loads JWT
 * signing keys from: JSON `{ "keys": [JWK, …] }`, each a private JWK with `kid`, `alg`
 * and `use: "sig"`; the FIRST is the current signer; older ones may carry
 * `"retiredAt"` (seconds since the epoch). Every problem is named by the key's position
 * and kid, never by its material.
 *
 * @throws {CliError} `failure` when the file is unreadable, not JSON or not a key set.
 *
 * @example
 * ```ts
 * const set = readKeySet('jwt-keys.json')
 * const current = set.keys[0]
 * ```
 */
export function readKeySet(path: string): KeySet {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new CliError('failure', `cannot read the key set file ${path} (${code})`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new CliError('failure', `${path} is not JSON, so not a key set file`)
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new CliError(
      'failure',
      `${path} is not a key set file: it needs a non-empty "keys" array`,
    )
  }
  const seen = new Set<string>()
  keys.forEach((key: unknown, i) => {
    const bad = (why: string) =>
      new CliError('failure', `${path} is not a key set file: keys[${i}] ${why}`)
    if (typeof key !== 'object' || key === null || Array.isArray(key)) throw bad('is not an object')
    const k = key as Record<string, unknown>
    if (typeof k.kid !== 'string' || k.kid === '') throw bad('has no "kid"')
    if (seen.has(k.kid)) throw bad('repeats the kid of an earlier key')
    seen.add(k.kid)
    if (typeof k.alg !== 'string') throw bad('has no "alg"')
    if (k.use !== 'sig') throw bad('needs "use": "sig"')
    if (typeof k.kty !== 'string' || typeof k.d !== 'string') throw bad('is not a private JWK')
    if (k.retiredAt !== undefined && !Number.isInteger(k.retiredAt)) {
      throw bad('has a "retiredAt" that is not whole seconds since the epoch')
    }
  })
  return { keys } as KeySet
}

/**
 * Writes `content` to `path` with mode 0600 (owner read/write only), atomically: into a
 * temporary file beside it, then renamed over it, so a crash or a full disk never
 * leaves a half-written key file. Without `overwrite` an existing file is an error.
 *
 * @throws {CliError} `failure` when the file exists (without `overwrite`) or cannot be written.
 *
 * @example
 * ```ts
 * writePrivateFile('jwt-keys.json', `${JSON.stringify(set, null, 2)}\n`, { overwrite: true })
 * ```
 */
export function writePrivateFile(
  path: string,
  content: string,
  options: { overwrite: boolean },
): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeFileSync(temp, content, { mode: 0o600, flag: 'wx' })
    if (!options.overwrite) {
      // Fails when `path` exists, without a window in which another writer could be lost.
      writeFileSync(path, '', { mode: 0o600, flag: 'wx' })
    }
    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, { force: true })
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') {
      throw new CliError('failure', `${path} already exists (pass --force to overwrite it)`)
    }
    throw new CliError('failure', `cannot write ${path} (${code ?? 'failed'})`)
  }
}
