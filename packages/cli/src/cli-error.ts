/** Exit status of the `tessera` command: 0 done, 1 failed while running, 2 wrong usage. */
export type ExitCode = 0 | 1 | 2

/** Exit code for success. */
export const EXIT_OK = 0
/** Exit code when a correctly given command failed: store unreachable, file unreadable, nothing found. */
export const EXIT_FAILURE = 1
/** Exit code when the command line or configuration is wrong: unknown option, bad URL, missing value. */
export const EXIT_USAGE = 2

/**
 * The one error the command reports: a message that is ONE line, safe to print (no
 * password, key material or session id in it), and the exit code it ends with.
 * Everything else that escapes a command is turned into one of these by `runCli`.
 *
 * @example
 * ```ts
 * throw new CliError('usage', '--alg must be one of EdDSA, ES256, RS256')
 * throw new CliError('failure', 'cannot reach Redis at redis://127.0.0.1:6379/')
 * ```
 */
export class CliError extends Error {
  /** `usage` ends with exit code 2, `failure` with 1. */
  readonly kind: 'usage' | 'failure'

  constructor(kind: 'usage' | 'failure', message: string) {
    super(oneLine(message))
    this.name = 'CliError'
    this.kind = kind
  }

  get exitCode(): ExitCode {
    return this.kind === 'usage' ? EXIT_USAGE : EXIT_FAILURE
  }
}

/** `text` on one line: line breaks and runs of whitespace become single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
