import { StoreError } from '../errors.js'
import { DeadlineQueue } from './deadline-queue.js'

// One queue (one timer) per timeout value: a manager and its management API each use
// a single value, so this map holds a handful of entries for the life of the process.
const queues = new Map<number, DeadlineQueue>()

function queueFor(ms: number): DeadlineQueue {
  let queue = queues.get(ms)
  if (queue === undefined) {
    queue = new DeadlineQueue(ms)
    queues.set(ms, queue)
  }
  return queue
}

/**
 * Runs one store call with a deadline. A rejection becomes `STORE_UNAVAILABLE`, a call
 * still pending after `ms` becomes `STORE_TIMEOUT`; either way the driver's error stays
 * in `cause` and never reaches the client. A late answer after the deadline is ignored
 * (and its rejection swallowed, so it cannot become an unhandled rejection).
 *
 * The deadlines of all calls with the same `ms` share one timer ({@link DeadlineQueue})
 * rather than a `setTimeout`/`clearTimeout` pair per call.
 *
 * @example
 * ```ts
 * const record = await withTimeout('get', 5_000, () => store.get(id))
 * ```
 */
export function withTimeout<T>(operation: string, ms: number, call: () => Promise<T>): Promise<T> {
  let pending: Promise<T>
  try {
    pending = call()
  } catch (cause) {
    return Promise.reject(new StoreError('STORE_UNAVAILABLE', operation, { cause }))
  }
  const queue = queueFor(ms)
  return new Promise<T>((resolve, reject) => {
    const deadline = queue.add(() => reject(new StoreError('STORE_TIMEOUT', operation)))
    pending.then(
      (value) => {
        queue.settle(deadline)
        resolve(value)
      },
      (cause: unknown) => {
        queue.settle(deadline)
        reject(new StoreError('STORE_UNAVAILABLE', operation, { cause }))
      },
    )
  })
}
