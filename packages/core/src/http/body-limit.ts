import { ConfigError } from '../errors.js'
import { DEFAULT_BODY_LIMIT } from './read-bounded-body.js'

/**
 * Validates an adapter's `bodyLimit` option once, at setup: a whole number of bytes of
 * at least 1, {@link DEFAULT_BODY_LIMIT} (64 KiB) when unset.
 *
 * @throws {@link ConfigError} `CONFIG_INVALID`.
 * @example
 * ```ts
 * const limit = resolveBodyLimit(options.bodyLimit) // 65536 by default
 * ```
 */
export function resolveBodyLimit(value: number | undefined): number {
  if (value === undefined) return DEFAULT_BODY_LIMIT
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError('bodyLimit must be a whole number of bytes of at least 1')
  }
  return value
}
