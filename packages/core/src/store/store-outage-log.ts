import { ConfigError, StoreError } from '../errors.js'

/** Options of {@link StoreOutageLog}. */
export interface StoreOutageLogOptions {
  /**
   * Milliseconds between two summary lines while the store keeps failing.
   * @default 10000
   */
  interval?: number
  /** Where each line goes. @default console.error */
  write?: (line: string) => void
  /** Milliseconds since the epoch; tests freeze it. @default Date.now */
  now?: () => number
}

/**
 * Turns a store outage into a handful of log lines instead of one stack per request:
 * the first failure (its code and operation, one line), then at most one line per
 * `interval` with the number of failed store calls since the last line, then one line
 * when the store answers again. Lines carry error codes, operation names and counts only:
 * never a session id, a token, a key or a driver's message (which may hold a host or a
 * user name).
 *
 * Give the same log to the {@link SessionManager} (`storeOutageLog`), which reports each
 * of its store calls through {@link StoreOutageLog.track}. No timer is involved: a
 * summary is written by the failure that finds the interval over, so a quiet app writes
 * nothing, and the recovery line carries whatever was not yet summarised.
 *
 * @example
 * ```ts
 * const outages = new StoreOutageLog({ interval: 30_000 })
 * const manager = new SessionManager({ store, secret, storeOutageLog: outages })
 * // Redis stops for a minute under load: 1 + 2 + 1 lines, not thousands of stacks.
 * ```
 */
export class StoreOutageLog {
  readonly #interval: number
  readonly #write: (line: string) => void
  readonly #now: () => number
  // Bumped when an outage begins: a call that started before it and answers late
  // (a reply already on the wire when the store went away) must not end it.
  #generation = 0
  #down = false
  #since = 0
  #lastLine = 0
  #total = 0
  #pending = new Map<string, number>()

  constructor(options: StoreOutageLogOptions = {}) {
    const interval = options.interval ?? 10_000
    if (!Number.isInteger(interval) || interval <= 0) {
      throw new ConfigError('StoreOutageLog: interval must be a positive whole number of ms')
    }
    if (options.write !== undefined && typeof options.write !== 'function') {
      throw new ConfigError('StoreOutageLog: write must be a function')
    }
    this.#interval = interval
    this.#write = options.write ?? ((line) => console.error(line))
    this.#now = options.now ?? Date.now
  }

  /** True between the first failure and the next answer from the store. */
  get down(): boolean {
    return this.#down
  }

  /**
   * Reports how one store call ends and hands its outcome back unchanged. A
   * `STORE_UNAVAILABLE` or `STORE_TIMEOUT` rejection counts as a failure; an answer
   * ends the outage if the call started after the outage began. Other rejections
   * (`STORE_CONFLICT`: the store answered, another writer won) change nothing.
   */
  track<T>(pending: Promise<T>): Promise<T> {
    const generation = this.#generation
    return pending.then(
      (value) => {
        if (this.#down && generation === this.#generation) this.answered()
        return value
      },
      (error: unknown) => {
        if (isOutage(error)) this.failed(error)
        throw error
      },
    )
  }

  /** Counts one failed store call; writes the first line or a due summary. */
  failed(error: StoreError): void {
    const now = this.#now()
    const kind = `${error.code} on "${error.operation}"`
    if (!this.#down) {
      this.#down = true
      this.#generation++
      this.#since = now
      this.#lastLine = now
      this.#total = 1
      this.#pending.clear()
      this.#write(`session store unavailable: ${kind}; further failures are counted`)
      return
    }
    this.#total++
    this.#pending.set(error.code, (this.#pending.get(error.code) ?? 0) + 1)
    if (now - this.#lastLine < this.#interval) return
    this.#write(
      `session store still unavailable: ${this.#count()} in the last ${seconds(now - this.#lastLine)}`,
    )
    this.#lastLine = now
    this.#pending.clear()
  }

  /** Ends an outage (one line); does nothing while the store is healthy. */
  answered(): void {
    if (!this.#down) return
    const now = this.#now()
    const unsummarised = this.#pending.size > 0 ? `, ${this.#count()} since the last line` : ''
    this.#write(
      `session store answers again after ${seconds(now - this.#since)}: ${this.#total} failed calls in all${unsummarised}`,
    )
    this.#down = false
    this.#pending.clear()
  }

  #count(): string {
    let sum = 0
    const parts: string[] = []
    for (const [code, n] of this.#pending) {
      sum += n
      parts.push(`${code} ${n}`)
    }
    return `${sum} failed call${sum === 1 ? '' : 's'} (${parts.join(', ')})`
  }
}

function isOutage(error: unknown): error is StoreError {
  return (
    error instanceof StoreError &&
    (error.code === 'STORE_UNAVAILABLE' || error.code === 'STORE_TIMEOUT')
  )
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
