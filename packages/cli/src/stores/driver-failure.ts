import { CliError } from '../cli-error.js'
import { hideInErrors, redact } from '../output/redact.js'

/**
 * Turns a driver error (connection refused, authentication failed, no such table…)
 * into a one-line {@link CliError} `failure`: `<what>: <driver message>`. Every string
 * in `hide` (a URL's password) is cut out of the driver's message (and of every later
 * error, see `hideInErrors`), in case a driver quotes its connection settings.
 *
 * @example
 * ```ts
 * try {
 *   await client.connect()
 * } catch (error) {
 *   throw driverFailure(`cannot connect to Redis at ${url.display}`, error, [password])
 * }
 * ```
 */
export function driverFailure(
  what: string,
  error: unknown,
  hide: (string | undefined)[] = [],
): CliError {
  if (error instanceof CliError) return error
  let message = error instanceof Error ? error.message : String(error)
  if (message === '' && error instanceof AggregateError) {
    message = error.errors
      .map((e: unknown) => (e instanceof Error ? e.message : String(e)))
      .join('; ')
  }
  for (const secret of hide) hideInErrors(secret)
  message = redact(message)
  return new CliError('failure', message ? `${what}: ${message}` : what)
}
