interface Queue {
  /** The last run started or scheduled; the next one starts after it settles. */
  tail: Promise<void>
  /** A run scheduled but not started yet, which a newcomer may share. */
  waiting: Promise<void> | null
}

/**
 * Runs tasks one at a time per key, each starting after the call that asked for it;
 * calls that arrive while a run waits to start share that run. So a burst of N calls
 * costs at most two runs at a time per key instead of N, and every call is still
 * followed by a whole run that began after it.
 */
export class CoalescedRuns {
  readonly #queues = new Map<string, Queue>()

  /** Resolves (or rejects) with a run of `task`, or of an equivalent task already waiting, that starts after this call. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const existing = this.#queues.get(key)
    if (existing?.waiting) return existing.waiting
    const queue: Queue = existing ?? { tail: Promise.resolve(), waiting: null }
    const run = queue.tail
      .catch(() => undefined)
      .then(() => {
        // From here on this run may already have read the state: newcomers need the next.
        queue.waiting = null
        return task()
      })
    queue.waiting = run
    queue.tail = run
    this.#queues.set(key, queue)
    const done = () => {
      if (queue.tail === run) this.#queues.delete(key)
    }
    run.then(done, done)
    return run
  }
}
