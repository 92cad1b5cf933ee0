import { ArgumentError } from '@tessera/core'
/**
 * A clock that moves only when a test moves it, so expiry is tested at exact
 * boundaries instead of by sleeping.
 *
 * Guarantees: `now` is a bound arrow function, so it can be handed to any store or
 * manager as a {@link Clock} and keeps reading this instance; it returns the same value
 * until `advance` or `set` is called.
 *
 * @example
 * ```ts
 * const clock = new ManualClock()
 * const store = new MemoryStore({ clock: clock.now })
 * await store.create(makeRecord({ idleExpiresAt: clock.now() + 1000 }, clock.now()))
 * clock.advance(1000) // the record has just expired
 * ```
 */
export class ManualClock {
  #ms: number

  /** @param start Milliseconds since the Unix epoch. @default 1_700_000_000_000 */
  constructor(start = 1_700_000_000_000) {
    this.#ms = finite(start, 'start')
  }

  /** The current instant in milliseconds; usable as a `Clock` without binding. */
  readonly now = (): number => this.#ms

  /** Moves time forward by `ms` (never backwards: that is what `set` is for). */
  advance(ms: number): void {
    if (finite(ms, 'ms') < 0)
      throw new ArgumentError('ManualClock.advance: "ms" must not be negative')
    this.#ms += ms
  }

  /** Jumps to an absolute instant, forwards or backwards. */
  set(ms: number): void {
    this.#ms = finite(ms, 'ms')
  }
}

function finite(value: number, name: string): number {
  if (!Number.isFinite(value))
    throw new ArgumentError(`ManualClock: "${name}" must be a finite number`)
  return value
}
