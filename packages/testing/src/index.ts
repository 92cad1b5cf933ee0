/**
 * `@tessera/testing`: the conformance suites every session store, rate-limit store and
 * framework adapter must pass, and the helpers their tests use. It imports `vitest` and
 * `fast-check` (peer dependencies), so it is a package of its own and `@tessera/core`
 * has no test-tool peers.
 *
 * @example
 * ```ts
 * import { describeSessionStore, ManualClock } from '@tessera/testing'
 * import { MemoryStore } from '@tessera/core'
 *
 * describeSessionStore('memory store', () => {
 *   const clock = new ManualClock()
 *   return { store: new MemoryStore({ clock: clock.now }), clock }
 * })
 * ```
 *
 * @module
 */
export * from './adapter-conformance/index.js'
export { describeRateLimitStore } from './describe-rate-limit-store.js'
export type { SessionStoreSuiteOptions } from './store-conformance/describe-session-store.js'
export { describeSessionStore } from './store-conformance/describe-session-store.js'
export { makeRecord } from './store-conformance/make-record.js'
export { ManualClock } from './store-conformance/manual-clock.js'
export type { StoreHarness } from './store-conformance/store-harness.js'
