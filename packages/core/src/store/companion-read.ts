import type { SessionStore } from './session-store.js'

/** The optional reads a store may offer beside `get`, each answering what `get` answers. */
export type CompanionRead = 'getNow' | 'getShared'

/** What a companion read answers, or `undefined`: "call `get`". */
type Answer<K extends CompanionRead> = ReturnType<NonNullable<SessionStore[K]>> | undefined

/**
 * The store's `getNow` or `getShared`, when it reads what its `get` reads: both come
 * from the same object or prototype, so a subclass that overrides `get` alone (to log,
 * to count) keeps being called. The function returned answers `undefined` ("call
 * `get`") once either method has been replaced on the store since (a test double
 * assigned to `store.get`). Without a usable method of that name, `undefined`.
 *
 * @example
 * ```ts
 * const getNow = companionRead(store, 'getNow')
 * const now = getNow?.(id) // null: no such record; undefined: ask get
 * const record = now === undefined ? await store.get(id) : now
 * ```
 */
export function companionRead<K extends CompanionRead>(
  store: SessionStore,
  name: K,
): ((id: string) => Answer<K>) | undefined {
  const get = store.get
  const read = store[name] as ((id: string) => Answer<K>) | undefined
  if (typeof read !== 'function') return undefined
  let owner: object | null = store
  while (owner !== null && !Object.hasOwn(owner, name)) owner = Object.getPrototypeOf(owner)
  if (owner === null || (owner as SessionStore).get !== get) return undefined
  return (id) => (store.get === get && store[name] === read ? read.call(store, id) : undefined)
}
