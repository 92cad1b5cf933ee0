/** How many ids one statement carries at most; a larger turn sends several. */
const MAX_IDS = 500

interface Waiter {
  id: string
  resolve: (json: string | undefined) => void
  reject: (error: unknown) => void
}

/**
 * The session reads of one event-loop turn, sent together at its end (`setImmediate`)
 * as one statement over all their ids: under load, the requests Node parsed in one
 * turn share a pool connection, a round trip and the statement's parse and plan,
 * instead of each queueing for its own. Each read still waits on PostgreSQL: the
 * statement runs after every read it answers was asked for, so each request sees its
 * session as it stood at a moment inside its own life.
 *
 * @example
 * ```ts
 * const reads = new TurnReads((ids) => queryRows(ids)) // id → JSON text of the live rows
 * const json = await reads.read(id) // undefined: no live row
 * ```
 */
export class TurnReads {
  readonly #run: (ids: string[]) => Promise<Map<string, string>>
  #waiting: Waiter[] = []

  /** @param run Reads the live rows of `ids` (distinct, at most 500) in one statement. */
  constructor(run: (ids: string[]) => Promise<Map<string, string>>) {
    this.#run = run
  }

  /** The JSON text of `id`'s live row, read with the rest of this turn's; `undefined` when there is none. */
  read(id: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.push({ id, resolve, reject }) === 1) setImmediate(() => this.#flush())
    })
  }

  #flush(): void {
    const waiting = this.#waiting
    this.#waiting = []
    // Up to MAX_IDS distinct ids a statement; a waiter whose id is already in rides along.
    let part: Waiter[] = []
    let ids = new Set<string>()
    for (const waiter of waiting) {
      if (ids.size === MAX_IDS && !ids.has(waiter.id)) {
        this.#answer(part, [...ids])
        part = []
        ids = new Set()
      }
      ids.add(waiter.id)
      part.push(waiter)
    }
    this.#answer(part, [...ids])
  }

  #answer(part: Waiter[], ids: string[]): void {
    let rows: Promise<Map<string, string>>
    try {
      rows = this.#run(ids)
    } catch (error) {
      rows = Promise.reject(error)
    }
    rows.then(
      (found) => {
        for (const waiter of part) waiter.resolve(found.get(waiter.id))
      },
      (error: unknown) => {
        for (const waiter of part) waiter.reject(error)
      },
    )
  }
}
