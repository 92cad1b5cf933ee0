import { readFileSync } from 'node:fs'
import { ConfigError, Keyring } from '@tessera/core'
import { CliError } from './cli-error.js'

/**
 * The app's signing secret as a {@link Keyring}, from `--secret-file FILE` (its content,
 * trimmed) or else `TESSERA_SECRET`; `undefined` when neither is given. It is needed to
 * compute public session ids (`publicSessionId`), which must match what the app shows
 * users, so it must be the app's current secret.
 *
 * @throws {CliError} `failure` when the file cannot be read; `usage` when the secret is
 * shorter than 32 characters. Neither message contains the secret.
 *
 * @example
 * ```ts
 * const keys = loadKeyring(args.values['secret-file'] as string | undefined, io.env)
 * const shown = keys ? await publicSessionId(keys, record.id) : undefined
 * ```
 */
export function loadKeyring(
  secretFile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Keyring | undefined {
  let secret: string | undefined
  let source: string
  if (secretFile !== undefined) {
    source = secretFile
    try {
      secret = readFileSync(secretFile, 'utf8').trim()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
      throw new CliError('failure', `cannot read the secret file ${secretFile} (${code})`)
    }
  } else {
    source = 'TESSERA_SECRET'
    secret = env.TESSERA_SECRET || undefined
  }
  if (secret === undefined) return undefined
  try {
    return new Keyring(secret)
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError('usage', `the secret in ${source} is too short (at least 32 characters)`)
    }
    throw error
  }
}
