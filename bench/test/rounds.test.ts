// BENCH_ROUNDS: reading the option, and merging the rounds into one outcome per target and
// path (the median round). Pure functions: no servers, no timing.
import { describe, expect, it } from 'vitest'
import { readConfig } from '../lib/config.js'
import { medianOutcomes } from '../lib/median-outcomes.js'
import type { Outcome } from '../lib/ratios.js'
import { type TargetId, targetById } from '../lib/targets.js'
import { measuredOutcome } from './lib/measured-outcome.js'

// p50 tied to the rate, so a test can tell which round's measurement was kept whole.
const at = (id: TargetId, rate: number, phase?: 'login' | 'write'): Outcome =>
  measuredOutcome(id, rate, phase, rate / 100)
const failed = (id: TargetId, failure: string, phase?: 'login' | 'write'): Outcome => ({
  target: targetById(id),
  ...(phase === undefined ? {} : { phase }),
  failure,
})
const skipped = (id: TargetId): Outcome => ({
  target: targetById(id),
  skipped: 'redis unreachable',
})

/** `target path rate` per merged outcome, or `target path FAILED: …` / `SKIPPED: …`. */
const rows = (outcomes: readonly Outcome[]): string[] =>
  outcomes.map((o) => {
    const where = `${o.target.id} ${o.phase ?? 'read'}`
    if ('failure' in o) return `${where} FAILED: ${o.failure}`
    if ('skipped' in o) return `${where} SKIPPED: ${o.skipped}`
    return `${where} ${o.measurement.requestsPerSecond}`
  })

describe('medianOutcomes', () => {
  it('keeps the round with the median req/s per target and path (odd count), measurement whole', () => {
    const merged = medianOutcomes([
      at('hono', 900),
      at('tessera-hono', 500),
      at('tessera-hono', 300, 'write'),
      at('hono', 1200),
      at('tessera-hono', 700),
      at('tessera-hono', 100, 'write'),
      at('hono', 1000),
      at('tessera-hono', 600),
      at('tessera-hono', 200, 'write'),
    ])
    expect(rows(merged)).toEqual([
      'hono read 1000',
      'tessera-hono read 600',
      'tessera-hono write 200',
    ])
    expect(merged[0]).toEqual(at('hono', 1000))
  })

  it('keeps the lower of the two middle rounds for an even count', () => {
    expect(rows(medianOutcomes([at('hono', 1200), at('hono', 900)]))).toEqual(['hono read 900'])
    expect(
      rows(medianOutcomes([at('hono', 1300), at('hono', 1000), at('hono', 800), at('hono', 1100)])),
    ).toEqual(['hono read 1000'])
  })

  it('reports a failure in any round as the merged outcome, on that path only', () => {
    const merged = medianOutcomes([
      at('tessera-hono', 500),
      at('tessera-hono', 300, 'login'),
      at('tessera-hono', 700),
      failed('tessera-hono', 'measurement: 3 non-2xx responses', 'login'),
      failed('tessera-hono', 'warm-up: 1 errors'),
      at('tessera-hono', 400, 'login'),
    ])
    expect(rows(merged)).toEqual([
      'tessera-hono read FAILED: warm-up: 1 errors',
      'tessera-hono login FAILED: measurement: 3 non-2xx responses',
    ])
  })

  it('keeps skipped targets skipped', () => {
    expect(
      rows(medianOutcomes([skipped('tessera-hono-redis'), skipped('tessera-hono-redis')])),
    ).toEqual(['tessera-hono-redis read SKIPPED: redis unreachable'])
  })

  it("keeps the targets' first-seen order, whatever order later rounds bring", () => {
    const merged = medianOutcomes([
      at('node-http', 2000),
      at('hono', 1000),
      skipped('express-session-redis'),
      at('express', 800),
      at('express', 810),
      skipped('express-session-redis'),
      at('hono', 1010),
      at('node-http', 2010),
    ])
    expect(merged.map((o) => o.target.id)).toEqual([
      'node-http',
      'hono',
      'express-session-redis',
      'express',
    ])
  })

  it('returns one round as it is', () => {
    const one = [
      at('node-http', 2000),
      at('tessera-express', 900),
      at('tessera-express', 700, 'write'),
    ]
    expect(medianOutcomes(one)).toEqual(one)
  })
})

describe('readConfig BENCH_ROUNDS', () => {
  it('defaults to one round', () => {
    expect(readConfig({}).rounds).toBe(1)
    expect(readConfig({ BENCH_ROUNDS: '' }).rounds).toBe(1)
  })

  it('accepts a whole number of rounds', () => {
    expect(readConfig({ BENCH_ROUNDS: '3' }).rounds).toBe(3)
    expect(readConfig({ BENCH_ROUNDS: '1' }).rounds).toBe(1)
  })

  it.each(['0', '1.5', 'x', '-2'])('rejects %j with the exact message', (raw) => {
    expect(() => readConfig({ BENCH_ROUNDS: raw })).toThrow(
      new Error(`BENCH_ROUNDS: expected a whole number >= 1, got "${raw}"`),
    )
  })
})
