import type Database from 'better-sqlite3'

/**
 * How long a write waits for another connection's lock before it fails with
 * `SQLITE_BUSY`. better-sqlite3 waits synchronously: the process's event loop waits too.
 */
export const BUSY_TIMEOUT_MS = 2000

/**
 * Runs one connection's writes so that a database another process keeps locked (an
 * operator's open transaction, a backup, a long write) stops the event loop once, not
 * once per write: after a write has waited {@link BUSY_TIMEOUT_MS} in vain, the next
 * ones fail at once (`busy_timeout = 0`, a 503) until one gets through, which restores
 * the wait. Waiting every time made the writes of concurrent requests wait in turn:
 * eight logins during a lock held every request of the process for most of a minute.
 *
 * @example
 * ```ts
 * const busy = new BusyWait(db)
 * busy.run(() => statement.run(id))
 * ```
 */
export class BusyWait {
  readonly #db: Database.Database
  #waits = true

  constructor(db: Database.Database) {
    this.#db = db
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  }

  run<T>(write: () => T): T {
    let result: T
    try {
      result = write()
    } catch (error) {
      if (this.#waits && isBusy(error)) {
        this.#waits = false
        this.#db.pragma('busy_timeout = 0')
      }
      throw error
    }
    if (!this.#waits) {
      this.#waits = true
      this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    }
    return result
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}
