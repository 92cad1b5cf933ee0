import type { SessionRecord, SessionStore } from '@tessera/core'

/**
 * `store.getNow(id)`, failing the test when the store has no `getNow` at all (a store
 * whose every read waits, as `RedisStore` without `clientSideCache`), so that an answer
 * of `undefined` always means "nothing kept", never "no such method".
 *
 * @example
 * ```ts
 * expect(answerNow(store, record.id)).toBeUndefined() // dropped from the cache
 * ```
 */
export function answerNow(store: SessionStore, id: string): SessionRecord | null | undefined {
  const getNow = store.getNow
  if (typeof getNow !== 'function') throw new Error('this store has no getNow')
  return getNow.call(store, id)
}
