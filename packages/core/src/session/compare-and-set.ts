import { StoreError } from '../errors.js'
import type { RandomSource } from '../lib/random.js'
import type { SessionRecord } from '../store/session-record.js'
import type { SessionStore } from '../store/session-store.js'

/** What a compare-and-set round decided: write `write`, or stop with a result. */
export type CasStep<T> = { write: SessionRecord; done: (written: SessionRecord) => T } | { stop: T }

/** The store access and retry policy a compare-and-set runs under (the manager's). */
export interface CasContext {
  call<R>(operation: string, run: (store: SessionStore) => Promise<R>): Promise<R>
  retries: number
  random: RandomSource
}

/**
 * The one compare-and-set loop of the core (saves, transfer codes issued and redeemed):
 * `decide` looks at the record as it is now (`null`: gone) and says what to write; the
 * write carries the next version and lands only if nobody wrote since. On a conflict
 * another writer won, so after a full-jitter backoff the record is read again and
 * `decide` runs on the winner; n concurrent writers all land within n retries. Past the
 * manager's `maxConflictRetries` it throws {@link StoreError} `STORE_CONFLICT`.
 *
 * `current` is the record already in hand, when the caller has one (saves start from
 * the record the request loaded); otherwise it is read first.
 */
export async function compareAndSet<T>(
  context: CasContext,
  id: string,
  decide: (current: SessionRecord | null) => CasStep<T> | Promise<CasStep<T>>,
  current?: SessionRecord,
): Promise<T> {
  let record = current ?? (await context.call('get', (store) => store.get(id)))
  for (let attempt = 0; ; attempt++) {
    const step = await decide(record)
    if ('stop' in step) return step.stop
    const expected = (record as SessionRecord).version
    const next: SessionRecord = { ...step.write, version: expected + 1 }
    const result = await context.call('update', (store) => store.update(next, expected))
    if (result === 'ok') return step.done(next)
    if (result === 'missing') {
      // Deleted meanwhile (logout, revocation): `decide` sees it gone and must stop.
      record = null
      continue
    }
    if (attempt >= context.retries) throw new StoreError('STORE_CONFLICT', 'update')
    await backoff(attempt, context.random)
    record = await context.call('get', (store) => store.get(id))
  }
}

function backoff(attempt: number, random: RandomSource): Promise<void> {
  // Full jitter, capped: contention clears in a few rounds without synchronised retries.
  const cap = Math.min(2 ** attempt, 25)
  const ms = ((random(1)[0] as number) / 256) * cap
  return new Promise((r) => setTimeout(r, ms))
}
