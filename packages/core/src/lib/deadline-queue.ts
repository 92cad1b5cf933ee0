/** One watched call in a {@link DeadlineQueue}: expired by the queue unless settled first. */
export interface Deadline {
  /** `performance.now()` (monotonic, unlike `Date.now()`) at which the call times out. */
  readonly at: number
  /**
   * Called once when `at` passes while the call is still pending; dropped (`null`) once
   * the call is settled or expired, so a deadline kept in the queue behind a slower call
   * does not keep the caller's promise (and the request waiting on it) alive.
   */
  expire: (() => void) | null
}

type Timer = ReturnType<typeof setTimeout> & { ref?: () => unknown; unref?: () => unknown }

/**
 * Deadlines that all share one duration, watched by ONE timer instead of a
 * `setTimeout` + `clearTimeout` pair per store call (measured as a visible part of the
 * per-request cost on the session read path). Because every deadline has the same
 * duration, they are added in the order they expire: a FIFO is enough, and settled
 * calls leave it from the front as they finish (calls settle roughly in order).
 *
 * Under steady load the queue is seldom empty (a store on the network always has a call
 * in flight), so nothing it has finished with may stay reachable from it: a slot the
 * front has passed is cleared, and a settled deadline lets go of its `expire` closure.
 * Otherwise the requests behind those slots (up to 1,024 of them, until the array is
 * compacted) outlive the young generation and are copied into the old one: 1–4
 * mark-compacts in 6 s of `GET /` on Redis, and none once they were let go
 * (`bench/probe/gc-per-request.ts`).
 *
 * The timer fires at the front deadline, expires every pending call that is due and
 * re-arms for the next one, so a pending call still expires within its duration (to
 * the timer's usual precision). While no call is pending the timer stays armed but
 * unreferenced (`unref` where the runtime has it, as Node, Bun and Deno do), so an idle
 * process can exit exactly as before; while a call is pending it keeps the process
 * alive, as the per-call timer did.
 *
 * @example
 * ```ts
 * const queue = new DeadlineQueue(5_000)
 * const d = queue.add(() => reject(new Error('timed out')))
 * pending.finally(() => queue.settle(d))
 * ```
 */
export class DeadlineQueue {
  readonly #ms: number
  #items: (Deadline | undefined)[] = []
  #head = 0
  #timer: Timer | undefined
  #referenced = false

  constructor(ms: number) {
    this.#ms = ms
  }

  /** Starts watching a call: `expire` runs if it is not settled within the duration. */
  add(expire: () => void): Deadline {
    const deadline: Deadline = { at: performance.now() + this.#ms, expire }
    this.#items.push(deadline)
    if (this.#timer === undefined) this.#arm(this.#ms)
    else if (!this.#referenced) this.#ref(true)
    return deadline
  }

  /** Marks a call as answered: it will not expire. */
  settle(deadline: Deadline): void {
    deadline.expire = null
    this.#dropSettled()
  }

  #dropSettled(): void {
    const items = this.#items
    while (this.#head < items.length && (items[this.#head] as Deadline).expire === null) {
      items[this.#head] = undefined
      this.#head++
    }
    if (this.#head === items.length) {
      // Nothing pending: reuse the array, and let the process exit while idle.
      items.length = 0
      this.#head = 0
      if (this.#referenced) this.#ref(false)
    } else if (this.#head > 1024 && this.#head * 2 > items.length) {
      this.#items = items.slice(this.#head)
      this.#head = 0
    }
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => this.#fire(), delay) as Timer
    this.#referenced = true
  }

  #ref(on: boolean): void {
    this.#referenced = on
    if (on) this.#timer?.ref?.()
    else this.#timer?.unref?.()
  }

  #fire(): void {
    this.#timer = undefined
    this.#referenced = false
    const now = performance.now()
    const items = this.#items
    while (this.#head < items.length) {
      const first = items[this.#head] as Deadline
      const expire = first.expire
      if (expire !== null) {
        if (first.at > now) break
        first.expire = null
        try {
          expire()
        } catch {
          // expire() only rejects a promise; nothing it throws may stop the others.
        }
      }
      items[this.#head] = undefined
      this.#head++
    }
    this.#dropSettled()
    const next = this.#items[this.#head]
    if (next !== undefined) this.#arm(Math.max(1, next.at - now))
  }
}
