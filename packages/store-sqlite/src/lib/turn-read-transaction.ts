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
  /** Whether the store read through this connection in the current turn. */
  #inTurn = false
  /** Whether a row was read in the current turn: the next opens the transaction. */
  #readThisTurn = false
  /** Whether this object's transaction is open. */
  #open = false

  constructor(db: Database.Database) {
    this.#db = db
    this.#begin = db.prepare('BEGIN')
    this.#commit = db.prepare('COMMIT')
    this.#rollback = db.prepare('ROLLBACK')
  }

  /**
   * Counts the connection as read in the current turn. True at the turn's first call,
   * and at the first call after any write of this process ({@link endTurnReads}): then
   * the store asks the database what changed since it last looked.
   */
  visit(): boolean {
    if (this.#inTurn) return false
    this.#inTurn = true
    active.add(this)
    if (!endScheduled) {
      endScheduled = true
      setImmediate(endAtTurnEnd)
    }
    return true
  }

  /** Before a row read: from the second of a turn on, opens the turn's transaction. */
  enter(): void {
    if (this.#open) return
    this.visit()
    if (!this.#readThisTurn) {
      this.#readThisTurn = true
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
      transaction.#inTurn = false
      transaction.#readThisTurn = false
      transaction.end()
    }
  }
}

/**
 * Ends the turn of every turn read transaction in this process, committing the open
 * ones: call before any write. The next read of each is then the first of a turn.
 */
export function endTurnReads(): void {
  for (const transaction of active) endTurnOf(transaction)
  active.clear()
}

function endAtTurnEnd(): void {
  endScheduled = false
  endTurnReads()
}
