import { Keyring, sessionAuthHash, verifySessionAuthHash } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const A = 'first-secret-first-secret-first-secret!!'
const B = 'second-secret-second-secret-second-secret'

/** `hash` with its last character changed: same length, so only the compare can tell. */
const forge = (hash: string): string => `${hash.slice(0, -1)}${hash.endsWith('A') ? 'B' : 'A'}`

describe('verifySessionAuthHash remembers pairs it found valid', () => {
  it('answers a remembered pair again, and still refuses a forged hash, another password and another keyring', async () => {
    const keys = new Keyring(A)
    const hash = await sessionAuthHash(keys, 'pbkdf2$1')
    expect(await verifySessionAuthHash(keys, 'pbkdf2$1', hash)).toBe(true)
    expect(await verifySessionAuthHash(keys, 'pbkdf2$1', hash)).toBe(true)
    expect(await verifySessionAuthHash(keys, 'pbkdf2$1', forge(hash))).toBe(false)
    expect(await verifySessionAuthHash(keys, 'pbkdf2$2', hash)).toBe(false)
    expect(await verifySessionAuthHash(new Keyring(B), 'pbkdf2$1', hash)).toBe(false)
    expect(await verifySessionAuthHash(new Keyring(B, [A]), 'pbkdf2$1', hash)).toBe(true)
  })

  it('still verifies the first password hash after 5,000 others pushed it out', async () => {
    const keys = new Keyring(A)
    const first = await sessionAuthHash(keys, 'first')
    expect(await verifySessionAuthHash(keys, 'first', first)).toBe(true)
    for (let i = 0; i < 5000; i++) {
      const passwordHash = `other-${i}`
      await verifySessionAuthHash(keys, passwordHash, await sessionAuthHash(keys, passwordHash))
    }
    expect(await verifySessionAuthHash(keys, 'first', first)).toBe(true)
    expect(await verifySessionAuthHash(keys, 'first', forge(first))).toBe(false)
  })

  it('property: any sequence of checks is true exactly for an unforged hash of that password by a secret the keyring holds', async () => {
    const keyrings = [new Keyring(A), new Keyring(B), new Keyring(B, [A])]
    const signers = [keyrings[0] as Keyring, keyrings[1] as Keyring]
    // Which signers' secrets (A, B) each keyring holds.
    const holds = [
      [true, false],
      [false, true],
      [true, true],
    ]
    const check = fc.record({
      keyring: fc.integer({ min: 0, max: 2 }),
      signer: fc.integer({ min: 0, max: 1 }),
      password: fc.constantFrom('p1', 'p2', 'p3'),
      signedPassword: fc.constantFrom('p1', 'p2', 'p3'),
      forged: fc.boolean(),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(check, { maxLength: 30 }), async (checks) => {
        for (const c of checks) {
          const keys = keyrings[c.keyring] as Keyring
          const signed = await sessionAuthHash(signers[c.signer] as Keyring, c.signedPassword)
          const hash = c.forged ? forge(signed) : signed
          const expected =
            holds[c.keyring]?.[c.signer] === true && c.password === c.signedPassword && !c.forged
          expect(await verifySessionAuthHash(keys, c.password, hash)).toBe(expected)
        }
      }),
      { numRuns: 200 },
    )
  })
})
