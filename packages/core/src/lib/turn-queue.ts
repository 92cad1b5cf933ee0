/**
 * Runs the functions pushed during one event-loop turn together, in the order pushed,
 * at the end of that turn (one `setImmediate` for all of them): after Node has read
 * every socket that was ready in the turn's poll phase. A function pushed while the
 * queue runs waits for the next turn. A function must not throw; one that does is
 * reported as an uncaught exception after the others have run.
 *
 * Exists where `setImmediate` does (Node, Bun, Deno); see {@link TurnQueue.available}.
 *
 * @example
 * ```ts
 * const turn = new TurnQueue()
 * turn.push(() => load(state)) // runs after this turn's other requests were parsed
 * ```
 */
export class TurnQueue {
  /** Whether the runtime has `setImmediate`, which the queue needs. */
  static get available(): boolean {
    return typeof globalThis.setImmediate === 'function'
  }

  #pending: Array<() => void> = []

  readonly #run = (): void => {
    const batch = this.#pending
    this.#pending = []
    let failure: { error: unknown } | undefined
    for (const run of batch) {
      try {
        run()
      } catch (error) {
        failure ??= { error }
      }
    }
    if (failure) throw failure.error
  }

  push(run: () => void): void {
    if (this.#pending.length === 0) setImmediate(this.#run)
    this.#pending.push(run)
  }
}
