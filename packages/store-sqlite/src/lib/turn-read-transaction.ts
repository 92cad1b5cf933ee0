import type Database from 'better-sqlite3'

/** Every turn read transaction of this process that read in the current turn. */
const active = new Set<TurnReadTransaction>()
let endScheduled = false
/** Ends the turn of one transaction: set by the class, which alone sees its fields. */
let endTurnOf: (transaction: TurnReadTransaction) => void

/**
 * One read transaction on a connection, shared by its reads of one event-loop turn and
 * committed at the end of that turn (`setImmediate`), so that the reads of every request
 * Node parsed in one poll phase pay for one transaction.
 *
 * In WAL mode each read transaction locks and unlocks a read mark in the `-shm` file
 * (two `fcntl` calls), which costs more than the indexed read itself; a statement that
 * runs outside a transaction pays that every time. The first read of a turn still runs
 * on its own (a `BEGIN` and a `COMMIT` would cost more than they save when it is the
 * only one); the second opens the transaction, and every later read of the turn sees the
 * database as the second saw it: a commit from another process during the turn shows at
 * the next turn.
 *
 * A connection must leave it before it writes: {@link endTurnReads} commits every open
 * one in this process, so a write through any user of this class here is seen by the
 * next read of every other, as it would be without it.
 */
export class TurnReadTransaction {
  readonly #db: Database.Database
  readonly #begin: Database.Statement<[]>
  readonly #commit: Database.Statement<[]>
  readonly #rollback: Database.Statement<[]>
  /** Whether this connection read in the current turn. */
  #readThisTurn = false
  /** Whether this object's transaction is open. */
  #open = false

  constructor(db: Database.Database) {
    this.#db = db
    this.#begin = db.prepare('BEGIN')
    this.#commit = db.prepare('COMMIT')
    this.#rollback = db.prepare('ROLLBACK')
  }

  /** Before a read: from the second read of a turn on, opens the turn's transaction. */
  enter(): void {
    if (this.#open) return
    if (!this.#readThisTurn) {
      this.#readThisTurn = true
      active.add(this)
      if (!endScheduled) {
        endScheduled = true
        setImmediate(endAtTurnEnd)
      }
      return
    }
    // A transaction of the application's own is left alone, and not committed here.
    if (this.#db.inTransaction) return
    this.#begin.run()
    this.#open = true
  }

  /** Commits the transaction if it is open. Never throws: it only ever read. */
  end(): void {
    if (!this.#open) return
    this.#open = false
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

  static {
    // At the end of the turn: commit, and count the next read as the next turn's first.
    endTurnOf = (transaction) => {
      transaction.#readThisTurn = false
      transaction.end()
    }
  }
}

/** Commits every open turn read transaction in this process: call before any write. */
export function endTurnReads(): void {
  for (const transaction of active) transaction.end()
}

function endAtTurnEnd(): void {
  endScheduled = false
  for (const transaction of active) endTurnOf(transaction)
  active.clear()
}
