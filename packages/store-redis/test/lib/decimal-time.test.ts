import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decimalTime } from '../../src/lib/decimal-time.js'

describe('decimalTime', () => {
  it('answers Number(text) for any text a hash field could hold', () => {
    const digits = fc
      .array(fc.constantFrom(...'0123456789'.split('')), { maxLength: 20 })
      .map((units) => units.join(''))
    const near = fc
      .array(fc.constantFrom(...'0123456789.eE+-x ,\t/:'.split(''), '٣', '１'), { maxLength: 18 })
      .map((units) => units.join(''))
    // Past 15 digits a sum digit by digit may round where the parser does not.
    const long = fc
      .array(fc.constantFrom(...'0123456789'.split('')), { minLength: 15, maxLength: 19 })
      .map((units) => units.join(''))
    const text = fc.oneof(
      digits,
      long,
      near,
      fc.string(),
      fc.double().map(String),
      fc.nat({ max: Number.MAX_SAFE_INTEGER }).map(String),
      fc.constant(null),
    )
    fc.assert(
      fc.property(text, (t) => {
        expect(Object.is(decimalTime(t), Number(t))).toBe(true)
      }),
      { numRuns: 5000 },
    )
  })

  it('reads the times a session hash holds', () => {
    expect(decimalTime('1733480000000')).toBe(1_733_480_000_000)
    expect(decimalTime('999999999999999')).toBe(999_999_999_999_999)
    expect(decimalTime('0')).toBe(0)
    expect(decimalTime('0012')).toBe(12)
    expect(decimalTime('1733480000000.5')).toBe(1_733_480_000_000.5)
    expect(decimalTime('')).toBe(0)
    expect(decimalTime(null)).toBe(0)
  })
})
