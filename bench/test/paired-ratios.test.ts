import { describe, expect, it } from 'vitest'
import { pairedRatios } from '../lib/paired-ratios.js'

describe('pairedRatios', () => {
  it('divides each target slice by the baseline slice beside it and keeps the median pair', () => {
    const { pairs, median } = pairedRatios([900, 2200, 1100], [1000, 2000, 1000])
    expect(pairs.map((r) => Number(r.toFixed(2)))).toEqual([0.9, 1.1, 1.1])
    expect(median).toBeCloseTo(1.1)
  })

  it('a slow phase of the machine that hits both sides of a pair leaves its ratio alone', () => {
    // The second pair ran while the machine served half as fast.
    const { pairs, median } = pairedRatios([800, 400, 800], [1000, 500, 1000])
    expect(pairs).toEqual([0.8, 0.8, 0.8])
    expect(median).toBe(0.8)
  })

  it('keeps the lower middle pair of an even count, never the flattering one', () => {
    expect(pairedRatios([700, 900, 800, 1000], [1000, 1000, 1000, 1000]).median).toBe(0.8)
  })

  it('refuses lists of different lengths or none at all', () => {
    expect(() => pairedRatios([1], [1, 2])).toThrow('1 target and 2 baseline slices')
    expect(() => pairedRatios([], [])).toThrow('0 target and 0 baseline slices')
  })
})
