import { ConfigError } from '../errors.js'
import type { Keyring } from '../keys/keyring.js'
import { callStore, outageLogOption, type StoreCallPolicy } from '../store/call-store.js'
import type { Clock } from '../store/session-store.js'
import type { StoreOutageLog } from '../store/store-outage-log.js'
import { clientKey } from './client-key.js'
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
   * How many leading bits of an IPv6 client address name one client in the per-client
   * and account-and-client counters (32 to 128). Every IPv6 client owns at least a /64
   * and may send from any address in it, so counting whole addresses would count
   * nothing. IPv4 addresses (also IPv4-mapped ones, `::ffff:192.0.2.1`) count whole;
   * brackets, a port, a zone id and letter case are ignored; a client string that is no
   * IP address counts as given.
   * @default 64
   */
  ipv6Prefix?: number
  /**
   * Milliseconds a counter-store call may take; a failure or timeout rejects with
   * `StoreError` (`STORE_UNAVAILABLE`/`STORE_TIMEOUT`), which adapters answer with 503,
   * like the session store's.
   * @default 1000
   */
  storeTimeout?: number
  /** Where counter-store outages are logged (one summary per interval, as the manager's). @default undefined */
  storeOutageLog?: StoreOutageLog
  clock?: Clock
}

/** Whether a login attempt may proceed, and if not, for how many seconds it may not. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfter: number }

/**
 * Outcome of {@link LoginThrottle.reserve}: either the attempt holds a place on every
 * counter and may check the password (then call `succeeded()` if it was right), or it
 * is refused for `retryAfter` seconds and must not check it.
 */
export type ThrottleReservation =
  | {
      allowed: true
      /** The password was right: clears the account-and-client counter and gives back the places this attempt held on the others. */
      succeeded(): Promise<void>
    }
  | { allowed: false; retryAfter: number }

/**
 * Login throttling per account and per client address, with counters in a shared
 * {@link RateLimitStore} so the limits hold across app instances. Use the same throttle
 * for logins, password re-entry and password changes: each checks a password.
 *
 * **Reserve before verifying.** {@link LoginThrottle.reserve} takes a place on all three
 * counters before the password is checked, each place one atomic increment-and-compare
 * in the store ({@link RateLimitStore.reserve}). A parallel burst therefore gets at most
 * `max` password checks, however fast it arrives: checking first and counting the
 * failure afterwards (the old `check`/`failed` pair) let every request of a burst
 * through the check before any failure was counted. A wrong password needs no further
 * call — the place it holds is the counted failure; a right one calls `succeeded()`,
 * which clears that account's counter for that client and gives back its places on the
 * per-client and per-account counters, so only failures keep counting there.
 *
 * When one counter refuses, the places the attempt took on the others are given back at
 * once: a refused attempt never checked a password and counts as nothing. Until they are
 * given back, a concurrent attempt may find those counters one fuller and be refused
 * too — the error always falls on the side of refusing. A store failure during a
 * reservation gives back what was taken (as far as the store answers) and rejects with
 * `StoreError`.
 *
 * @example
 * ```ts
 * const throttle = new LoginThrottle({ store: new SqliteRateLimitStore({ path }), keys: manager.keys })
 * const attempt = await throttle.reserve(username, ip)
 * if (!attempt.allowed) return c.json({ detail: 'Too many failed login attempts.' }, 429, { 'Retry-After': String(attempt.retryAfter) })
 * const user = await authenticate({ users, hasher }, username, password)
 * if (!user) return c.json({ detail: 'Invalid username or password.' }, 401) // the reserved place is the failure
 * await attempt.succeeded()
 * await login(c.var.session, user)
 * ```
 */
export class LoginThrottle {
  readonly #store: RateLimitStore
  readonly #keys: Keyring
  readonly #limits: readonly [ThrottleLimit, ThrottleLimit, ThrottleLimit]
  readonly #clock: Clock
  readonly #calls: StoreCallPolicy
  readonly #ipv6Prefix: number

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
    const ipv6Prefix = options.ipv6Prefix ?? 64
    // Shorter than a /32 (an ISP's allocation) would lump unrelated networks together.
    if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 32 || ipv6Prefix > 128)
      throw new ConfigError('ipv6Prefix must be a whole number from 32 to 128')
    this.#ipv6Prefix = ipv6Prefix
    const timeout = options.storeTimeout ?? 1000
    if (!Number.isInteger(timeout) || timeout <= 0)
      throw new ConfigError('storeTimeout must be a positive whole number')
    this.#calls = { timeout, outages: outageLogOption(options.storeOutageLog) }
  }

  /**
   * Reserves a login attempt of `username` from `client` before its password is
   * checked: allowed only when every counter had room, in which case each now counts
   * this attempt. See the class documentation for the login path.
   */
  async reserve(username: string, client: string): Promise<ThrottleReservation> {
    const now = this.#clock()
    const keys = await this.#counterKeys(username, client)
    const settled = await Promise.allSettled(
      keys.map((key, i) => {
        const { max, window } = this.#limits[i] as ThrottleLimit
        return callStore(this.#calls, 'rateLimit.reserve', () =>
          this.#store.reserve(key, max, window * 1000, now),
        )
      }),
    )
    const held: Array<[key: string, resetAt: number]> = []
    let failure: { reason: unknown } | null = null
    let until = 0
    for (const [i, result] of settled.entries()) {
      if (result.status === 'rejected') failure ??= result
      else if (result.value.reserved) held.push([keys[i] as string, result.value.resetAt])
      else until = Math.max(until, result.value.resetAt)
    }
    if (failure || until > 0) {
      const released = this.#release(held)
      if (failure) {
        // The store is failing already: give back what it will take, report the first error.
        await released.catch(() => undefined)
        throw failure.reason
      }
      await released
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) }
    }
    const [pair] = keys as [string]
    return {
      allowed: true,
      succeeded: async () => {
        await Promise.all([
          callStore(this.#calls, 'rateLimit.reset', () => this.#store.reset(pair)),
          this.#release(held.filter(([key]) => key !== pair)),
        ])
      },
    }
  }

  /**
   * Whether `username` may try to log in from `client` now.
   *
   * @deprecated Check-then-act: a parallel burst passes this check before any of its
   * failures is counted, so every request of the burst gets its password checked. Use
   * {@link LoginThrottle.reserve}.
   */
  async check(username: string, client: string): Promise<ThrottleDecision> {
    const now = this.#clock()
    const keys = await this.#counterKeys(username, client)
    let until = 0
    for (const [i, key] of keys.entries()) {
      const count = await callStore(this.#calls, 'rateLimit.peek', () => this.#store.peek(key, now))
      if (count && count.count >= (this.#limits[i] as ThrottleLimit).max)
        until = Math.max(until, count.resetAt)
    }
    return until === 0
      ? { allowed: true }
      : { allowed: false, retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) }
  }

  /**
   * Records a failed attempt against every counter.
   *
   * @deprecated Part of the check-then-act pair; {@link LoginThrottle.reserve} counts
   * the attempt before the password is checked. Do not mix the two on one throttle.
   */
  async failed(username: string, client: string): Promise<void> {
    const now = this.#clock()
    const keys = await this.#counterKeys(username, client)
    const windows = this.#limits.map((l) => l.window * 1000)
    await Promise.all(
      keys.map((key, i) =>
        callStore(this.#calls, 'rateLimit.hit', () =>
          this.#store.hit(key, windows[i] as number, now),
        ),
      ),
    )
  }

  /**
   * Clears the account-and-client counter after a successful login.
   *
   * @deprecated Part of the check-then-act pair; after {@link LoginThrottle.reserve}
   * call the reservation's `succeeded()`.
   */
  async succeeded(username: string, client: string): Promise<void> {
    const [pair] = await this.#counterKeys(username, client)
    await callStore(this.#calls, 'rateLimit.reset', () => this.#store.reset(pair as string))
  }

  #release(held: ReadonlyArray<[key: string, resetAt: number]>): Promise<unknown> {
    return Promise.all(
      held.map(([key, resetAt]) =>
        callStore(this.#calls, 'rateLimit.release', () => this.#store.release(key, resetAt)),
      ),
    )
  }

  async #counterKeys(username: string, address: string): Promise<string[]> {
    // Usernames compare case-insensitively here so "Admin" and "admin" share a counter.
    const account = username.normalize('NFKC').toLowerCase()
    // One IPv6 /64 (by default) is one client, however the address is spelled.
    const client = clientKey(address, this.#ipv6Prefix)
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
