import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CSRF_SECRET_LENGTH,
  CSRF_TOKEN_LENGTH,
  createCsrfSecret,
  isCsrfSecret,
  maskCsrfSecret,
  maskedTokenMatches,
  unmaskCsrfToken,
} from '../../src/csrf/csrf-token.js'
import { tokenUnit as unit } from '../support/csrf-chars.js'

/** What `checkCsrf` answered before the fused check: unmask, then compare. */
const reference = (token: string, secret: string): boolean =>
  isCsrfSecret(secret) && unmaskCsrfToken(token) === secret

// `checkCsrf` compares a masked token through this function: it must answer what
// unmasking and comparing answers, for any strings at all.
describe('maskedTokenMatches', () => {
  it('accepts every masking of the secret', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const secret = createCsrfSecret()
        expect(maskedTokenMatches(maskCsrfSecret(secret), secret)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('answers what unmask-then-compare answers, one character changed anywhere', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: CSRF_TOKEN_LENGTH + CSRF_SECRET_LENGTH - 1 }),
        unit,
        (at, char) => {
          const secret = createCsrfSecret()
          let token = maskCsrfSecret(secret)
          let expected = secret
          // Positions past the token change the secret instead.
          if (at < CSRF_TOKEN_LENGTH) token = token.slice(0, at) + char + token.slice(at + 1)
          else {
            const i = at - CSRF_TOKEN_LENGTH
            expected = secret.slice(0, i) + char + secret.slice(i + 1)
          }
          expect(maskedTokenMatches(token, expected)).toBe(reference(token, expected))
        },
      ),
      { numRuns: 5000 },
    )
  })

  it('answers what unmask-then-compare answers, for strings of any length and content', () => {
    fc.assert(
      fc.property(
        fc.string({ unit, minLength: 60, maxLength: 66 }),
        fc.string({ unit, minLength: 30, maxLength: 34 }),
        (token, secret) => {
          expect(maskedTokenMatches(token, secret)).toBe(reference(token, secret))
        },
      ),
      { numRuns: 3000 },
    )
  })
})
