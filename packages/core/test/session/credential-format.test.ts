import type { SessionEvent } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cookieFrom, harness, request } from '../support/harness.js'

// The shape every issued credential has: a 22-character base64url id, a dot, a
// 43-character base64url secret. Anything else is refused before the store is asked.
const ISSUED = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The reason the manager gave for refusing `value` as the session cookie, if it did. */
async function refusal(value: string): Promise<string | undefined> {
  const { manager } = harness()
  const reasons: string[] = []
  manager.on('invalidCredential', (e: SessionEvent) => {
    if (e.type === 'invalidCredential') reasons.push(e.reason)
  })
  await request(manager, `sessionid=${value}`, async (s) => void (await s.get('a')))
  await manager.settled()
  return reasons[0]
}

describe('the session credential read from a cookie', () => {
  it('is malformed exactly when it is not the issued shape (fast-check)', async () => {
    // Mostly the cookie-safe base64url alphabet and the dot, with characters that are
    // neither, at and around the issued length.
    const char = fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...BASE64URL) },
      { weight: 2, arbitrary: fc.constant('.') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('+', '/', '=', '!', '~', '\u00e9', '\u20ac', '\u{1f600}'),
      },
    )
    const value = fc.oneof(
      fc.array(char, { minLength: 64, maxLength: 68 }).map((cs) => cs.join('')),
      fc.array(char, { maxLength: 80 }).map((cs) => cs.join('')),
    )
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const reason = await refusal(v)
        // A well-formed credential that names no session is unknown, not malformed.
        expect(reason).toBe(ISSUED.test(v) ? 'unknown' : 'malformed')
      }),
      { numRuns: 300 },
    )
  })

  it('any one character of an issued credential changed is refused', async () => {
    const { manager } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    const value = cookie.slice('sessionid='.length)
    for (const [at, to] of [
      [0, '+'],
      [21, '/'],
      [22, '_'],
      [23, '.'],
      [65, '='],
      [40, '\u00e9'],
    ] as const) {
      const changed = value.slice(0, at) + to + value.slice(at + 1)
      expect(await refusal(changed)).toBe('malformed')
    }
    const result = await request(manager, cookie, async (s) => {
      expect(await s.get('a')).toBe(1)
    })
    expect(result.setCookie).toEqual([])
  })
})
