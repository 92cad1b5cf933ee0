import { CliError } from '../cli-error.js'
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-key.js'

/**
 * The `--alg` value as a {@link SigningAlgorithm}, exactly as JOSE spells it.
 *
 * @throws {CliError} `usage` for anything else (`none`, `HS256`, `eddsa`, …).
 *
 * @example
 * ```ts
 * parseAlgorithm('ES256') // 'ES256'
 * ```
 */
export function parseAlgorithm(value: string): SigningAlgorithm {
  if ((SIGNING_ALGORITHMS as readonly string[]).includes(value)) return value as SigningAlgorithm
  throw new CliError('usage', `--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`)
}

/**
 * Checks a `--kid` value: 1–128 printable ASCII characters without spaces, quotes or
 * path separators, so it is safe in headers, file names and log lines.
 *
 * @throws {CliError} `usage` otherwise.
 */
export function parseKid(value: string): string {
  if (/^[A-Za-z0-9._~:+=-]{1,128}$/.test(value)) return value
  throw new CliError(
    'usage',
    '--kid must be 1 to 128 characters of A-Z, a-z, 0-9 and . _ ~ : + = -',
  )
}
