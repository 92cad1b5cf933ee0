import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { waitInWords } from '../web/src/wait-in-words.js'

// The SPA's "Try again in …" after a 429, from the server's Retry-After seconds.
describe('waitInWords', () => {
  it.each([
    [897, '15 minutes'],
    [900, '15 minutes'],
    [60, '1 minute'],
    [61, '2 minutes'],
    [59, '59 seconds'],
    [30, '30 seconds'],
    [1, '1 second'],
    [0.2, '1 second'],
    [7199, '120 minutes'],
    [7200, '2 hours'],
    [86_400, '24 hours'],
  ])('%d s reads "%s"', (seconds, words) => {
    expect(waitInWords(seconds)).toBe(words)
  })

  it('never says a shorter wait than the server asked for (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 86_400 }), (seconds) => {
        const [n, unit] = waitInWords(seconds).split(' ') as [string, string]
        const scale = unit.startsWith('hour') ? 3600 : unit.startsWith('minute') ? 60 : 1
        expect(Number(n) * scale).toBeGreaterThanOrEqual(seconds)
      }),
    )
  })
})
