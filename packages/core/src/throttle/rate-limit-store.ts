/** A fixed-window counter as a {@link RateLimitStore} reports it. */
export interface RateLimitCount {
  count: number
  /** When the window ends and the count starts again from zero (ms since the epoch). */
  resetAt: number
}

/**
 * Outcome of {@link RateLimitStore.reserve}: whether the event was counted, and the
 * counter as that same operation left it (unchanged when refused).
 */
export interface RateLimitReservation extends RateLimitCount {
  reserved: boolean
}

/**
 * Counters shared by every app instance, so limits hold however many instances serve
 * the traffic. Keys are opaque (the throttle hashes them); stores never see usernames
 * or addresses.
 *
 * Guarantees: `hit`, `reserve` and `release` are each one atomic store operation —
 * concurrent calls on one key from any number of instances each act once, on the count
 * the previous one left; a window that ended counts as empty.
 */
export interface RateLimitStore {
  /** Counts one event under `key` in a window of `windowMs` starting at the first hit. */
  hit(key: string, windowMs: number, now: number): Promise<RateLimitCount>
  /**
   * Counts one event under `key` only while its live window holds fewer than `max`
   * (increment-and-compare in one operation, so a parallel burst can never reserve more
   * than `max`); a refused event changes nothing. An ended window starts over, as in
   * `hit`.
   */
  reserve(key: string, max: number, windowMs: number, now: number): Promise<RateLimitReservation>
  /**
   * Takes back one event reserved in the window that ends at `resetAt`. Does nothing
   * when that window is gone (ended and restarted, or reset) or its count is zero, so a
   * late release never lowers a newer window. A window that no longer counts anything
   * is removed (as by `reset`): the throttle releases every refused attempt, and each
   * may name a new username, so empty counters would pile up without end.
   */
  release(key: string, resetAt: number): Promise<void>
  /** The current count, or `null` when there is none or its window ended. */
  peek(key: string, now: number): Promise<RateLimitCount | null>
  reset(key: string): Promise<void>
}
