import type { RateLimitCount, RateLimitReservation, RateLimitStore } from './rate-limit-store.js'

// The map is swept of ended windows whenever it has doubled since the last sweep (and
// holds at least this many): amortised O(1) per event, and never more than about twice
// the live counters however many usernames an attacker names.
const FIRST_SWEEP_AT = 1024

/**
 * A {@link RateLimitStore} in process memory: for tests and single-instance development
 * only — limits do not hold across instances and reset on restart. Counters of ended
 * windows are dropped by itself (when the map has doubled since it last looked), so a
 * client naming a new username per attempt cannot grow it without end.
 *
 * @example
 * ```ts
 * const throttle = new LoginThrottle({ store: new MemoryRateLimitStore(), keys: manager.keys })
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #counts = new Map<string, RateLimitCount>()
  #sweepAt = FIRST_SWEEP_AT

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const current = this.#counts.get(key)
    const next =
      current && current.resetAt > now
        ? { count: current.count + 1, resetAt: current.resetAt }
        : { count: 1, resetAt: now + windowMs }
    this.#set(key, next, now)
    return { ...next }
  }

  // No await before the write: the compare and the increment run in one turn of the
  // event loop, so a parallel burst in this process cannot interleave them.
  async reserve(
    key: string,
    max: number,
    windowMs: number,
    now: number,
  ): Promise<RateLimitReservation> {
    const current = this.#counts.get(key)
    const live = current && current.resetAt > now ? current : null
    if (live && live.count >= max) return { reserved: false, ...live }
    const next = live
      ? { count: live.count + 1, resetAt: live.resetAt }
      : { count: 1, resetAt: now + windowMs }
    this.#set(key, next, now)
    return { reserved: true, ...next }
  }

  async release(key: string, resetAt: number): Promise<void> {
    const current = this.#counts.get(key)
    if (current && current.resetAt === resetAt && current.count > 0) {
      if (current.count === 1) this.#counts.delete(key)
      else this.#counts.set(key, { count: current.count - 1, resetAt })
    }
  }

  async peek(key: string, now: number): Promise<RateLimitCount | null> {
    const current = this.#counts.get(key)
    if (!current) return null
    if (current.resetAt <= now) {
      this.#counts.delete(key)
      return null
    }
    return { ...current }
  }

  async reset(key: string): Promise<void> {
    this.#counts.delete(key)
  }

  /**
   * Deletes the counters whose window ended by `now`, as the SQL stores'
   * `deleteExpired` do, and answers how many. Not needed for a bound (the store sweeps
   * itself as it grows); for an app that wants the memory back sooner.
   *
   * @example
   * ```ts
   * setInterval(() => void limits.deleteExpired(Date.now()), 3600_000).unref()
   * ```
   */
  async deleteExpired(now: number): Promise<number> {
    return this.#sweep(now)
  }

  #set(key: string, count: RateLimitCount, now: number): void {
    this.#counts.set(key, count)
    if (this.#counts.size < this.#sweepAt) return
    this.#sweep(now)
    this.#sweepAt = Math.max(FIRST_SWEEP_AT, 2 * this.#counts.size)
  }

  #sweep(now: number): number {
    let deleted = 0
    for (const [key, count] of this.#counts) {
      if (count.resetAt <= now) {
        this.#counts.delete(key)
        deleted++
      }
    }
    return deleted
  }
}
