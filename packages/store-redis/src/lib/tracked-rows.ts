import type { Redis } from 'ioredis'

/** A session hash as HMGET reads it: `rec`, `seen`, `idle`, `abs`. */
export type Row = [rec: string | null, seen: string | null, idle: string | null, abs: string | null]

/** How long and how many session rows {@link TrackedRows} keeps. */
export interface TrackedRowsLimits {
  /** The oldest a kept row may be when it is answered, by the store's clock. */
  maxAgeMs: number
  /** How many sessions are kept at most; the one first kept longest ago makes room. */
  maxEntries: number
}

// The channel Redis publishes invalidations on for a client whose tracking redirects
// to another connection (RESP2 has no push messages on the tracking connection itself).
const CHANNEL = '__redis__:invalidate'

interface Kept {
  /** `undefined` once forgotten: the id keeps its place, so keeping it again reorders nothing. */
  row: Row | undefined
  /** The store's clock when the read that fetched it was sent. */
  at: number
}

/**
 * The session rows this process read last, kept while Redis promises to say when they
 * change: Redis's client-side caching ("tracking") in broadcasting mode, over the
 * store's own keys. The data connection (the application's client) runs
 * `CLIENT TRACKING ON REDIRECT <id> BCAST PREFIX <session keys>`, and a second
 * connection of ours (`client.duplicate()`) subscribes to `__redis__:invalidate`: from
 * then on every write to a session hash, by any process, makes Redis publish its key,
 * and the row is dropped as soon as that message is read.
 *
 * What keeps a kept row from being older than Redis:
 * - Rows are kept only while tracking is confirmed on the current pair of connections.
 *   Either connection closing (tracking is per connection, and a redirect to a closed
 *   one is lost silently) drops every row and stops keeping them until both are ready
 *   and tracking is set up again.
 * - A read remembers a token for its id when it is sent; an invalidation of that id, or
 *   a write of this process, removes the token, and a reply whose token is gone is not
 *   kept. The invalidation and the reply travel on different connections, so either may
 *   arrive first: this is the race Redis's documentation describes, closed the way it
 *   recommends.
 * - The store calls {@link forget} before and after each of its own writes, so this
 *   process never answers from a row older than its own last write, whenever the
 *   invalidation arrives.
 * - A row is answered for at most `maxAgeMs` after its read was sent, whatever happens
 *   to the invalidation connection (a stalled TCP connection reports nothing).
 *
 * @example
 * ```ts
 * const rows = new TrackedRows(client, 'tessera:s:{', { maxAgeMs: 1000, maxEntries: 10_000 })
 * const row = rows.get(id, now) ?? (await rows.read(id, now, () => hmget(id)))
 * ```
 */
export class TrackedRows {
  // Tracking is one setting per connection: one TrackedRows per client.
  static readonly #clients = new WeakSet<Redis>()

  /** Whether a TrackedRows not yet closed tracks through `client`. */
  static tracks(client: Redis): boolean {
    return TrackedRows.#clients.has(client)
  }

  readonly #client: Redis
  readonly #subscriber: Redis
  readonly #keyHead: string
  readonly #limits: TrackedRowsLimits
  readonly #rows = new Map<string, Kept>()
  // The reads in flight whose reply may still be kept, by id.
  readonly #pending = new Map<string, object>()
  // Tracking is on for the current pair of connections and invalidations reach us.
  #live = false
  // Bumped whenever either connection closes: a set-up begun before then is stale.
  #epoch = 0
  #closed = false
  #starting = false
  #refusal: string | undefined
  // The subscriber's connection id once it has subscribed; each connection has its own.
  #subscriberId: string | undefined
  readonly #onClose = (): void => this.#drop()
  readonly #onReady = (): void => void this.#start()

  /**
   * @param keyHead The start of every session key as Redis sees it (the client's own
   * `keyPrefix` included), up to the id: invalidated keys are mapped back to ids by it.
   */
  constructor(client: Redis, keyHead: string, limits: TrackedRowsLimits) {
    TrackedRows.#clients.add(client)
    this.#client = client
    this.#keyHead = keyHead
    this.#limits = limits
    // The application's options (address, TLS, password, database); a subscriber of
    // ours that never resubscribes by itself: each new connection has a new id, which
    // tracking must redirect to, so set-up starts over from 'ready'. RESP2: to a RESP3
    // connection Redis sends invalidations as 'invalidate' pushes, which ioredis 6
    // drops; to a RESP2 one, as messages on the channel (ioredis 5 speaks only RESP2).
    this.#subscriber = client.duplicate({
      protocol: 2,
      autoResubscribe: false,
      enableOfflineQueue: true,
      lazyConnect: false,
      keyPrefix: '',
    })
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: unknown) => {
      if (channel.toString() === CHANNEL) this.#invalidate(message)
    })
    // Errors are the application's client's to report; the subscriber's own would
    // otherwise be unhandled 'error' events. Its 'close' drops everything below.
    this.#subscriber.on('error', () => undefined)
    this.#subscriber.on('close', () => {
      this.#subscriberId = undefined
    })
    for (const connection of [client, this.#subscriber]) {
      connection.on('close', this.#onClose)
      connection.on('ready', this.#onReady)
    }
    void this.#start()
  }

  /** Whether rows are being kept now: tracking is set up on both connections. */
  get live(): boolean {
    return this.#live
  }

  /**
   * Redis's answer when it refused to set tracking up (a server older than 6, or a user
   * whose ACL forbids `CLIENT` or the channel), until a later set-up succeeds.
   */
  get refusal(): string | undefined {
    return this.#refusal
  }

  /** The kept row of `id`, when there is one no older than `maxAgeMs` at `now`. */
  get(id: string, now: number): Row | undefined {
    if (!this.#live) return undefined
    const kept = this.#rows.get(id)
    if (kept === undefined) return undefined
    const age = now - kept.at
    // Too old: answered no more, and replaced in place by the read that follows.
    return age >= 0 && age < this.#limits.maxAgeMs ? kept.row : undefined
  }

  /**
   * Reads `id` with `fetch` and keeps the row, unless the session was invalidated or
   * written by this process while the read was in flight. `now`: the store's clock as
   * the read is sent.
   */
  async read(id: string, now: number, fetch: () => Promise<Row>): Promise<Row> {
    if (!this.#live) return fetch()
    let token = this.#pending.get(id)
    if (token === undefined) {
      token = {}
      this.#pending.set(id, token)
    }
    let row: Row | undefined
    try {
      row = await fetch()
      return row
    } finally {
      if (this.#pending.get(id) === token) {
        this.#pending.delete(id)
        // A session that is not there is not kept: ids an attacker makes up would
        // crowd out the sessions in use.
        if (row !== undefined && row[0] !== null && this.#live) this.#keep(id, row, now)
      }
    }
  }

  /** Drops `id`'s row and any read of it in flight: this process writes it now. */
  forget(id: string): void {
    const kept = this.#rows.get(id)
    if (kept !== undefined) kept.row = undefined
    this.#pending.delete(id)
  }

  /** Stops tracking and closes the invalidation connection; the client stays the application's. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    TrackedRows.#clients.delete(this.#client)
    this.#drop()
    for (const connection of [this.#client, this.#subscriber]) {
      connection.off('close', this.#onClose)
      connection.off('ready', this.#onReady)
    }
    if (this.#client.status === 'ready') {
      await this.#client.call('CLIENT', 'TRACKING', 'OFF').catch(() => undefined)
    }
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect())
  }

  /**
   * Keeps `row` for `id`, in the place `id` already has if it has one. A session written
   * on every request is forgotten and kept again on every request: deleting and
   * re-inserting it would leave a dead slot in its `Map` bucket's chain each time, which
   * V8 walks on every lookup until the table is rebuilt (core's `LruCache` says what that
   * cost: 25 µs per lookup at 10,000 entries).
   */
  #keep(id: string, row: Row, at: number): void {
    const kept = this.#rows.get(id)
    if (kept !== undefined) {
      kept.row = row
      kept.at = at
      return
    }
    this.#rows.set(id, { row, at })
    if (this.#rows.size > this.#limits.maxEntries) {
      const oldest = this.#rows.keys().next().value as string
      this.#rows.delete(oldest)
    }
  }

  #drop(): void {
    this.#live = false
    this.#epoch++
    this.#forgetAll()
  }

  /** Drops every row and every read in flight: none of them may be kept now. */
  #forgetAll(): void {
    this.#rows.clear()
    this.#pending.clear()
  }

  async #start(): Promise<void> {
    if (this.#closed || this.#live || this.#starting) return
    if (this.#client.status !== 'ready' || this.#subscriber.status !== 'ready') return
    this.#starting = true
    const epoch = this.#epoch
    try {
      await this.#track(epoch)
      this.#refusal = undefined
      if (epoch === this.#epoch && !this.#closed) this.#live = true
    } catch (error) {
      // Not live: reads go to Redis. The next 'ready' of either connection tries again.
      // An error reply (not a lost connection) is kept for the store to report: Redis's
      // own words about a command, which hold no key, value or password.
      if ((error as Error).name === 'ReplyError') this.#refusal = (error as Error).message
    } finally {
      this.#starting = false
    }
    // A connection closed and came back while this set-up ran: set up again.
    if (epoch !== this.#epoch) void this.#start()
  }

  async #track(epoch: number): Promise<void> {
    let id = this.#subscriberId
    if (id === undefined) {
      // The id first: on RESP2 a subscribed connection answers nothing but (un)subscribe.
      id = String(await this.#subscriber.client('ID'))
      await this.#subscriber.subscribe(CHANNEL)
      // Kept only for the connection it names: a 'close' since then bumped the epoch.
      if (epoch === this.#epoch) this.#subscriberId = id
    }
    // Tracking may point at a subscriber that is gone: switched off before it is
    // redirected anew (Redis refuses to change the mode of tracking that is on).
    await this.#client.call('CLIENT', 'TRACKING', 'OFF')
    await this.#client.call(
      'CLIENT',
      'TRACKING',
      'ON',
      'REDIRECT',
      id,
      'BCAST',
      'PREFIX',
      this.#keyHead,
    )
  }

  #invalidate(message: unknown): void {
    // A null message: Redis flushed (FLUSHALL, FLUSHDB) and invalidates everything.
    if (!Array.isArray(message)) {
      this.#forgetAll()
      return
    }
    const head = this.#keyHead
    for (const key of message) {
      const name = String(key)
      if (name.startsWith(head) && name.endsWith('}')) this.forget(name.slice(head.length, -1))
    }
  }
}
