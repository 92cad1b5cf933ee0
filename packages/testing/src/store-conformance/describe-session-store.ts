import { ConfigError } from '@tessera/core'
import { afterEach, beforeEach, describe } from 'vitest'
import { concurrencyCases } from './cases/concurrency-cases.js'
import { expiryCases } from './cases/expiry-cases.js'
import { readWriteCases } from './cases/read-write-cases.js'
import { scanCases } from './cases/scan-cases.js'
import { sessionDataCases } from './cases/session-data-cases.js'
import { staleCommitCases } from './cases/stale-commit-cases.js'
import { userIndexCases } from './cases/user-index-cases.js'
import { makeRecord } from './make-record.js'
import type { StoreHarness } from './store-harness.js'
import type { SuiteContext } from './suite-context.js'

/** Options of {@link describeSessionStore}. */
export interface SessionStoreSuiteOptions {
  /**
   * How many concurrent writers race on one record, and how many concurrent creates
   * race on one id.
   * @default 100
   */
  concurrency?: number
  /**
   * `true` for stores that expire records by themselves (Redis TTLs): `deleteExpired`
   * may then answer 0 instead of the number of expired records. Expired records must
   * still be invisible to every read.
   * @default false
   */
  nativeExpiry?: boolean
}

/**
 * Registers the conformance suite every {@link SessionStore} must pass, as one vitest
 * `describe` block named `name`. `setup` runs before every test, so each test gets a
 * fresh, empty store and a {@link ManualClock} the store reads its time from.
 *
 * It checks every guarantee documented on `SessionStore`: round-tripping of whole
 * records (nested JSON, unicode, metadata, credentials), atomic insert-if-absent,
 * compare-and-set updates under contention, version-preserving `touch` (touching only
 * an `expectedVersion` when given one, also racing an update), expiry at the exact
 * boundary of `min(idleExpiresAt, absoluteExpiresAt)`, the per-user index, and
 * `deleteExpired`, session data keys such as `__proto__` and `constructor` staying plain
 * data through a `SessionManager` over the store, the commits of a request that loaded
 * before another one wrote, logged in or logged out (no write lost, no dead credential or
 * JWT sent), and the optional operator methods `scan` and `countExpired` when the
 * store has them (skipped visibly when it does not).
 *
 * @example
 * ```ts
 * import { describeSessionStore, ManualClock } from '@tessera/testing'
 *
 * describeSessionStore('redis store', async () => {
 *   const clock = new ManualClock()
 *   const store = new RedisStore({ client: await connect(), clock: clock.now })
 *   return { store, clock, teardown: () => store.close() }
 * }, { nativeExpiry: true })
 * ```
 */
export function describeSessionStore(
  name: string,
  setup: () => Promise<StoreHarness> | StoreHarness,
  options: SessionStoreSuiteOptions = {},
): void {
  const concurrency = options.concurrency ?? 100
  if (!Number.isInteger(concurrency) || concurrency < 2) {
    throw new ConfigError('describeSessionStore: "concurrency" must be an integer of at least 2')
  }
  let harness: StoreHarness | undefined
  const current = (): StoreHarness => {
    if (!harness)
      throw new Error('describeSessionStore: the harness is only available inside a test')
    return harness
  }
  const ctx: SuiteContext = {
    get store() {
      return current().store
    },
    get clock() {
      return current().clock
    },
    concurrency,
    nativeExpiry: options.nativeExpiry ?? false,
    make: (overrides) => makeRecord(overrides, current().clock.now()),
  }

  describe(name, () => {
    beforeEach(async () => {
      harness = await setup()
    })
    afterEach(async () => {
      const done = harness
      harness = undefined
      if (!done) return
      if (done.teardown) await done.teardown()
      else await done.store.close?.()
    })

    readWriteCases(ctx)
    expiryCases(ctx)
    userIndexCases(ctx)
    concurrencyCases(ctx)
    scanCases(ctx)
    sessionDataCases(ctx)
    staleCommitCases(ctx)
  })
}
