import { ConfigError } from '../errors.js'
import type { ScanOptions } from './session-store.js'

/** Default page size of `SessionStore.scan`. */
export const DEFAULT_SCAN_BATCH_SIZE = 500

/**
 * The page size a store's `scan` uses: `options.batchSize`, or 500. Shared by every
 * store so all of them refuse the same nonsense with the same message.
 *
 * @throws {ConfigError} `CONFIG_INVALID` when `batchSize` is not an integer from 1 to 10,000.
 *
 * @example
 * ```ts
 * async *scan(options: ScanOptions = {}) {
 *   const size = scanBatchSize(options) // 500 unless the caller chose
 * }
 * ```
 */
export function scanBatchSize(options: ScanOptions): number {
  const size = options.batchSize ?? DEFAULT_SCAN_BATCH_SIZE
  if (!Number.isInteger(size) || size < 1 || size > 10_000) {
    throw new ConfigError('scan: "batchSize" must be an integer from 1 to 10000')
  }
  return size
}
