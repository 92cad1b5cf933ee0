import type Database from 'better-sqlite3'

/** Every turn read transaction of this process that is open now. */
const open = new Set<TurnReadTransaction>()
let endScheduled = false

/**
 * One read transaction on a connection, opened by the first read of an event-loop turn
 * and committed at the end of that turn (`setImmediate`), so that the session reads of
 * every request Node parsed in one poll phase share it.
 *
 * In WAL mode each read transaction locks and unlocks a read mark in the `-shm` file
 * (two `fcntl` calls), which costs more than the indexed read itself; a statement that
 * runs outside a transaction pays that every time. Inside the turn's transaction, later
 * reads see the database as the turn's first read saw it: a commit from another process
 * in the same turn shows at the next turn.
 *
 * A connection must leave it before it writes: {@link endTurnReads} commits every open
 * one in this process, so a write through any store here is seen by the next read of
 * every store, as it would be without this.
 */
export class TurnReadTransaction {
  readonly #db: Database.Database
  readonly #begin: Database.Statement<[]>
  readonly #commit: Database.Statement<[]>
  readonly #rollback: Database.Statement<[]>
  #open = false

  constructor(db: Database.Database) {
    this.#db = db
    this.#begin = db.prepare('BEGIN')
    this.#commit = db.prepare('COMMIT')
    this.#rollback = db.prepare('ROLLBACK')
  }

  /** Before a read: opens this turn's transaction unless it is open already. */
  enter(): void {
    if (this.#open || this.#db.inTransaction) return
    this.#begin.run()
    this.#open = true
    open.add(this)
    if (!endScheduled) {
      endScheduled = true
      setImmediate(endAtTurnEnd)
    }
  }

  /** Commits the transaction if it is open. Never throws: it only ever read. */
  end(): void {
    if (!this.#open) return
    this.#open = false
    open.delete(this)
    if (!this.#db.open || !this.#db.inTransaction) return
    try {
      this.#commit.run()
    } catch {
      // A read-only transaction that cannot commit is rolled back: nothing is lost,
      // and the next write reports whatever is wrong with the database.
      try {
        this.#rollback.run()
      } catch {}
    }
  }
}

/** Commits every open turn read transaction in this process: call before any write. */
export function endTurnReads(): void {
  if (open.size === 0) return
  for (const transaction of open) transaction.end()
}

function endAtTurnEnd(): void {
  endScheduled = false
  endTurnReads()
}
