import { StoreError } from '../errors.js'

/**
 * Runs one store call with a deadline. A rejection becomes `STORE_UNAVAILABLE`, a call
 * still pending after `ms` becomes `STORE_TIMEOUT`; either way the driver's error stays
 * in `cause` and never reaches the client. A late answer after the deadline is ignored
 * (and its rejection swallowed, so it cannot become an unhandled rejection).
 */
export function withTimeout<T>(operation: string, ms: number, call: () => Promise<T>): Promise<T> {
  let pending: Promise<T>
  try {
    pending = call()
  } catch (cause) {
    return Promise.reject(new StoreError('STORE_UNAVAILABLE', operation, { cause }))
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreError('STORE_TIMEOUT', operation)), ms)
    pending.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (cause: unknown) => {
        clearTimeout(timer)
        reject(new StoreError('STORE_UNAVAILABLE', operation, { cause }))
      },
    )
  })
}
