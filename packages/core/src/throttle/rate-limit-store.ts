/** A fixed-window counter as a {@link RateLimitStore} reports it. */
export interface RateLimitCount {
  count: number
  /** When the window ends and the count starts again from zero (ms since the epoch). */
  resetAt: number
}

/**
 * Counters shared by every app instance, so limits hold however many instances serve
 * the traffic. Keys are opaque (the throttle hashes them); stores never see usernames
 * or addresses.
 *
 * Guarantees: `hit` is atomic — concurrent hits on one key from any number of instances
 * each count once; a window that ended counts as empty.
 */
export interface RateLimitStore {
  /** Counts one event under `key` in a window of `windowMs` starting at the first hit. */
  hit(key: string, windowMs: number, now: number): Promise<RateLimitCount>
  /** The current count, or `null` when there is none or its window ended. */
  peek(key: string, now: number): Promise<RateLimitCount | null>
  reset(key: string): Promise<void>
}
