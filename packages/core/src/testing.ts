/**
 * `@tessera/core/testing`: the conformance suite every session store must pass, and the
 * helpers its tests use. Imports `vitest`, an optional peer dependency, so it lives apart
 * from the main entry point.
 *
 * @example
 * ```ts
 * import { describeSessionStore, ManualClock } from '@tessera/core/testing'
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
export type { SessionStoreSuiteOptions } from './store/conformance/describe-session-store.js'
export { describeSessionStore } from './store/conformance/describe-session-store.js'
export { makeRecord } from './store/conformance/make-record.js'
export { ManualClock } from './store/conformance/manual-clock.js'
export type { StoreHarness } from './store/conformance/store-harness.js'
export { describeRateLimitStore } from './throttle/describe-rate-limit-store.js'
