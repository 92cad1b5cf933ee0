import type { SessionRecord } from './session-record.js'
import type { SessionStore } from './session-store.js'

/**
 * The store's synchronous `getNow`, when it reads what its `get` reads: both come from
 * the same object or prototype, so a subclass that overrides `get` alone (to log, to
 * count) keeps being called. The function returned answers `undefined` ("call `get`")
 * once either method has been replaced on the store since (a test double assigned to
 * `store.get`). Without a usable `getNow`, `undefined`.
 *
 * @example
 * ```ts
 * const getNow = synchronousGet(store)
 * const now = getNow?.(id) // null: no such record; undefined: ask get
 * const record = now === undefined ? await store.get(id) : now
 * ```
 */
export function synchronousGet(
  store: SessionStore,
): ((id: string) => SessionRecord | null | undefined) | undefined {
  const { get, getNow } = store
  if (typeof getNow !== 'function') return undefined
  let owner: object | null = store
  while (owner !== null && !Object.hasOwn(owner, 'getNow')) owner = Object.getPrototypeOf(owner)
  if (owner === null || (owner as SessionStore).get !== get) return undefined
  return (id) => (store.get === get && store.getNow === getNow ? getNow.call(store, id) : undefined)
}
