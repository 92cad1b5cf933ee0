/**
 * A bounded least-recently-used map: at most `capacity` entries; reading an entry makes
 * it the newest, inserting past the bound drops the oldest. A `Map` keeps insertion
 * order, so re-inserting on read is all the bookkeeping needed. Capacity 0 stores nothing.
 *
 * @example
 * ```ts
 * const cache = new LruCache<string, number>(2)
 * cache.set('a', 1); cache.set('b', 2); cache.get('a'); cache.set('c', 3)
 * cache.get('b') // undefined: the least recently used entry was dropped
 * ```
 */
export class LruCache<K, V> {
  readonly #capacity: number
  readonly #map = new Map<K, V>()

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  get size(): number {
    return this.#map.size
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value === undefined) return undefined
    this.#map.delete(key)
    this.#map.set(key, value)
    return value
  }

  set(key: K, value: V): void {
    if (this.#capacity === 0) return
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#capacity) {
      const oldest = this.#map.keys().next()
      if (!oldest.done) this.#map.delete(oldest.value)
    }
  }

  delete(key: K): void {
    this.#map.delete(key)
  }
}
