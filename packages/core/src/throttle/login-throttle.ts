import { ConfigError } from '../errors.js'
import type { Keyring } from '../keys/keyring.js'
import { withTimeout } from '../lib/with-timeout.js'
import type { Clock } from '../store/session-store.js'
import type { RateLimitStore } from './rate-limit-store.js'

/** At most `max` failed logins per `window` seconds. */
export interface ThrottleLimit {
  max: number
  window: number
}

/** Options of {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  store: RateLimitStore
  /** Salts the counter keys, so the store holds no usernames or addresses. Use `manager.keys`. */
  keys: Keyring
  /**
   * Failures of one username from one client address. Tight: this is the guessing
   * attack against one account, and it does not lock the account for anyone else.
   * @default { max: 5, window: 900 }
   */
  perAccountAndClient?: ThrottleLimit
  /**
   * Failures from one client address across all usernames (credential stuffing).
   * @default { max: 20, window: 900 }
   */
  perClient?: ThrottleLimit
  /**
   * Failures of one username across all addresses (a distributed attack on one
   * account). Loose, because reaching it locks that account out for everyone.
   * @default { max: 50, window: 900 }
   */
  perAccount?: ThrottleLimit
  /**
   * Milliseconds a counter-store call may take; a failure or timeout rejects with
   * `StoreError` (`STORE_UNAVAILABLE`/`STORE_TIMEOUT`), which adapters answer with 503,
   * like the session store's.
   * @default 1000
   */
  storeTimeout?: number
  clock?: Clock
}

/** Whether a login attempt may proceed, and if not, for how many seconds it may not. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfter: number }

/**
 * Login throttling per account and per client address, with counters in a shared
 * {@link RateLimitStore} so the limits hold across app instances. Only failures count;
 * a success clears that account's counter for that client. Blocked attempts are refused
 * before the password is checked (answer 429 with `Retry-After`).
 *
 * @example
 * ```ts
 * const throttle = new LoginThrottle({ store: new SqliteRateLimitStore({ path }), keys: manager.keys })
 * const decision = await throttle.check(username, ip)
 * if (!decision.allowed) return c.json({ detail: 'Too many failed login attempts.' }, 429, { 'Retry-After': String(decision.retryAfter) })
 * const user = await authenticate(...)
 * await (user ? throttle.succeeded(username, ip) : throttle.failed(username, ip))
 * ```
 */
export class LoginThrottle {
  readonly #store: RateLimitStore
  readonly #keys: Keyring
  readonly #limits: readonly [ThrottleLimit, ThrottleLimit, ThrottleLimit]
  readonly #clock: Clock
  readonly #timeout: number

  constructor(options: LoginThrottleOptions) {
    if (!options?.store || !options.keys)
      throw new ConfigError('LoginThrottle needs a store and keys')
    this.#store = options.store
    this.#keys = options.keys
    this.#limits = [
      limit('perAccountAndClient', options.perAccountAndClient, { max: 5, window: 900 }),
      limit('perClient', options.perClient, { max: 20, window: 900 }),
      limit('perAccount', options.perAccount, { max: 50, window: 900 }),
    ]
    this.#clock = options.clock ?? Date.now
    const timeout = options.storeTimeout ?? 1000
    if (!Number.isInteger(timeout) || timeout <= 0)
      throw new ConfigError('storeTimeout must be a positive whole number')
    this.#timeout = timeout
  }

  /** Whether `username` may try to log in from `client` now. */
  async check(username: string, client: string): Promise<ThrottleDecision> {
    const now = this.#clock()
    const keys = await this.#counterKeys(username, client)
    let until = 0
    for (const [i, key] of keys.entries()) {
      const count = await withTimeout('rateLimit.peek', this.#timeout, () =>
        this.#store.peek(key, now),
      )
      if (count && count.count >= (this.#limits[i] as ThrottleLimit).max)
        until = Math.max(until, count.resetAt)
    }
    return until === 0
      ? { allowed: true }
      : { allowed: false, retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) }
  }

  /** Records a failed attempt against every counter. */
  async failed(username: string, client: string): Promise<void> {
    const now = this.#clock()
    const keys = await this.#counterKeys(username, client)
    const windows = this.#limits.map((l) => l.window * 1000)
    await Promise.all(
      keys.map((key, i) =>
        withTimeout('rateLimit.hit', this.#timeout, () =>
          this.#store.hit(key, windows[i] as number, now),
        ),
      ),
    )
  }

  /** Clears the account-and-client counter after a successful login. */
  async succeeded(username: string, client: string): Promise<void> {
    const [pair] = await this.#counterKeys(username, client)
    await withTimeout('rateLimit.reset', this.#timeout, () => this.#store.reset(pair as string))
  }

  async #counterKeys(username: string, client: string): Promise<string[]> {
    // Usernames compare case-insensitively here so "Admin" and "admin" share a counter.
    const account = username.normalize('NFKC').toLowerCase()
    const sign = (value: string) => this.#keys.sign('tessera.login-throttle', value)
    return Promise.all([
      sign(`pair\u0000${account}\u0000${client}`),
      sign(`client\u0000${client}`),
      sign(`account\u0000${account}`),
    ])
  }
}

function limit(
  name: string,
  value: ThrottleLimit | undefined,
  fallback: ThrottleLimit,
): ThrottleLimit {
  if (value === undefined) return fallback
  for (const field of ['max', 'window'] as const) {
    if (!Number.isInteger(value[field]) || value[field] <= 0) {
      throw new ConfigError(`${name}.${field} must be a positive whole number`)
    }
  }
  return value
}
