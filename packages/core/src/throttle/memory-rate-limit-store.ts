import type { RateLimitCount, RateLimitReservation, RateLimitStore } from './rate-limit-store.js'

/**
 * A {@link RateLimitStore} in process memory: for tests and single-instance development
 * only — limits do not hold across instances and reset on restart.
 *
 * @example
 * ```ts
 * const throttle = new LoginThrottle({ store: new MemoryRateLimitStore(), keys: manager.keys })
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #counts = new Map<string, RateLimitCount>()

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const current = this.#counts.get(key)
    const next =
      current && current.resetAt > now
        ? { count: current.count + 1, resetAt: current.resetAt }
        : { count: 1, resetAt: now + windowMs }
    this.#counts.set(key, next)
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
    this.#counts.set(key, next)
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
}
