import type { SessionStore } from '@tessera/core'
import type { ManualClock } from './manual-clock.js'

/**
 * What a store hands the conformance suite for one test: the store, the clock it reads,
 * and how to clean up.
 *
 * Guarantees the suite relies on: `store` starts empty and reads time only from
 * `clock.now`. When `teardown` is given the suite calls it after the test and it alone
 * is responsible for releasing the store (close it, drop the database); without it the
 * suite calls `store.close?.()`.
 *
 * @example
 * ```ts
 * const setup = (): StoreHarness => {
 *   const clock = new ManualClock()
 *   return { store: new MemoryStore({ clock: clock.now }), clock }
 * }
 * ```
 */
export interface StoreHarness {
  store: SessionStore
  clock: ManualClock
  teardown?: () => Promise<void>
}
