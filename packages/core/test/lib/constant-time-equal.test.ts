import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { constantTimeEqual } from '../../src/lib/constant-time-equal.js'

// The credential, CSRF and MAC checks compare through this function: it must answer
// exactly what `===` answers, for every kind of string V8 may hand it.
describe('constantTimeEqual', () => {
  it('answers what === answers, for any two strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b)
      }),
    )
  })

  it('finds a difference in any one character of an equal-length string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 0xffff }),
        (a, at, delta) => {
          const i = at % a.length
          const changed = String.fromCharCode((a.charCodeAt(i) + delta) % 0x10000)
          const b = a.slice(0, i) + changed + a.slice(i + 1)
          expect(constantTimeEqual(a, b)).toBe(false)
          expect(constantTimeEqual(a, a.slice(0, i) + a.slice(i))).toBe(true)
        },
      ),
    )
  })

  it('compares the string kinds V8 builds (flat, concatenated, sliced, two-byte)', () => {
    const hash = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg'
    const concatenated = hash.slice(0, 20) + hash.slice(20)
    const sliced = `x${hash}x`.slice(1, -1)
    const parsed = (JSON.parse(JSON.stringify({ hash })) as { hash: string }).hash
    for (const same of [hash, concatenated, sliced, parsed]) {
      expect(constantTimeEqual(hash, same)).toBe(true)
      expect(constantTimeEqual(same, hash)).toBe(true)
    }
    expect(constantTimeEqual(hash, `${hash.slice(0, -1)}h`)).toBe(false)
    expect(constantTimeEqual(hash, hash.slice(1))).toBe(false)
    expect(constantTimeEqual('é€😀', 'é€😀')).toBe(true)
    expect(constantTimeEqual('é€😀', 'é€😁')).toBe(false)
    expect(constantTimeEqual('', '')).toBe(true)
  })
})
