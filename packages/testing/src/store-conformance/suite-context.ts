import type { SessionRecord, SessionStore } from '@tessera/core'
import type { ManualClock } from './manual-clock.js'

/** What each group of conformance cases reads: the current test's harness and the options. */
export interface SuiteContext {
  readonly store: SessionStore
  readonly clock: ManualClock
  readonly concurrency: number
  readonly nativeExpiry: boolean
  /** `makeRecord` anchored at the harness clock's current instant. */
  make(overrides?: Partial<SessionRecord>): SessionRecord
}
