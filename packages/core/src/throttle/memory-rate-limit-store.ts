import type { RateLimitCount, RateLimitStore } from './rate-limit-store.js'

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
