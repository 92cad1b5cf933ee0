interface Entry<V> {
  value: V
  /** Read since it was inserted or last passed over by an eviction. */
  used: boolean
}

/**
 * A bounded map that keeps what was used recently: at most `capacity` entries, and
 * inserting past the bound drops an entry not read since it was last considered. This is
 * least-recently-used approximated by "second chance" (CLOCK): entries sit in insertion
 * order; a read only marks its entry; making room walks from the oldest, moves each
 * marked entry to the newest end with its mark cleared, and drops the first unmarked one.
 * Capacity 0 stores nothing.
 *
 * A read never reorders the `Map`. Re-inserting on every read (delete, then set) kept the
 * order exactly, but V8 leaves each deleted slot in its bucket's chain until the table is
 * rebuilt, so one key read again and again (one client's token, one user's password hash)
 * made every lookup of it walk thousands of dead slots: 25 µs per read with 10,000
 * entries, against about 30 ns here (`bench/probe/lru-hot-key.ts`).
 *
 * @example
 * ```ts
 * const cache = new LruCache<string, number>(2)
 * cache.set('a', 1); cache.set('b', 2); cache.get('a'); cache.set('c', 3)
 * cache.get('b') // undefined: the entry not read since it was inserted was dropped
 * ```
 */
export class LruCache<K, V> {
  readonly #capacity: number
  readonly #map = new Map<K, Entry<V>>()

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  get size(): number {
    return this.#map.size
  }

  get(key: K): V | undefined {
    const entry = this.#map.get(key)
    if (entry === undefined) return undefined
    entry.used = true
    return entry.value
  }

  set(key: K, value: V): void {
    if (this.#capacity === 0) return
    const entry = this.#map.get(key)
    if (entry !== undefined) {
      entry.value = value
      entry.used = true
      return
    }
    // Room first, so the walk never reaches (and drops) the entry being inserted.
    if (this.#map.size >= this.#capacity) this.#evictOne()
    this.#map.set(key, { value, used: false })
  }

  delete(key: K): void {
    this.#map.delete(key)
  }

  /**
   * Drops the oldest entry not read since it was last considered. Each marked entry
   * passed over moves to the newest end unmarked, so the walk ends within one lap.
   */
  #evictOne(): void {
    for (const [key, entry] of this.#map) {
      this.#map.delete(key)
      if (!entry.used) return
      entry.used = false
      this.#map.set(key, entry)
    }
  }
}
