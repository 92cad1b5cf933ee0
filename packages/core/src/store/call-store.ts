import { ConfigError, StoreError } from '../errors.js'
import { withTimeout } from '../lib/with-timeout.js'
import { StoreOutageLog } from './store-outage-log.js'

/**
 * How the core calls a store, the same for sessions, management and throttling: under
 * `timeout` ms (`STORE_TIMEOUT`), driver failures as `StoreError` (`STORE_UNAVAILABLE`),
 * and each call reported to the outage log when there is one.
 */
export interface StoreCallPolicy {
  timeout: number
  outages: StoreOutageLog | null
}

/**
 * Runs one store call under `policy`.
 *
 * @example
 * ```ts
 * const record = await callStore({ timeout: 1000, outages: null }, 'get', () => store.get(id))
 * ```
 */
export function callStore<T>(
  policy: StoreCallPolicy,
  operation: string,
  run: () => Promise<T>,
): Promise<T> {
  const pending = withTimeout(operation, policy.timeout, run)
  return policy.outages ? policy.outages.track(pending) : pending
}

/**
 * Runs one synchronous store call under `policy`: a throw becomes `StoreError`
 * (`STORE_UNAVAILABLE`), rethrown; the outage log hears of the answer or the failure.
 * `undefined` is no answer (a `getNow` that could not answer without waiting, e.g. from
 * a client-side cache): it tells the outage log nothing, so a server found down by the
 * reads that follow is not reported back up by it.
 *
 * @example
 * ```ts
 * const record = callStoreNow({ timeout: 1000, outages: null }, 'get', () => store.getNow(id))
 * ```
 */
export function callStoreNow<T>(policy: StoreCallPolicy, operation: string, run: () => T): T {
  let value: T
  try {
    value = run()
  } catch (cause) {
    const error = new StoreError('STORE_UNAVAILABLE', operation, { cause })
    policy.outages?.failed(error)
    throw error
  }
  if (value !== undefined) policy.outages?.answered()
  return value
}

/** The `storeOutageLog` option, checked at setup. */
export function outageLogOption(value: unknown): StoreOutageLog | null {
  if (value === undefined || value === null) return null
  if (!(value instanceof StoreOutageLog)) {
    throw new ConfigError('storeOutageLog must be a StoreOutageLog')
  }
  return value
}
