import {
  CSRF_SECRET_LENGTH,
  CSRF_TOKEN_LENGTH,
  checkCsrf,
  createCsrfSecret,
  getCsrfToken,
  MemoryStore,
  maskCsrfSecret,
  type RandomSource,
  resolveCsrfOptions,
  SessionManager,
  unmaskCsrfToken,
} from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CSRF_CHARS as CHARS, tokenUnit } from '../support/csrf-chars.js'

/** A random source that hands out the given bytes in order. */
function bytes(...values: number[]): RandomSource {
  const queue = [...values]
  return (size) => {
    if (queue.length < size) throw new Error('test random source ran dry')
    return Uint8Array.from(queue.splice(0, size))
  }
}

/** The bytes that make the mask come out as `mask` (byte b < 248 picks CHARS[b % 62]). */
const bytesOf = (mask: string) => [...mask].map((c) => CHARS.indexOf(c))

const secretArb = fc.string({ unit: fc.constantFrom(...CHARS), minLength: 32, maxLength: 32 })

describe('Django interoperability', () => {
  // Computed by hand from django/middleware/csrf.py `_mask_cipher_secret`:
  //   pairs = zip((chars.index(x) for x in secret), (chars.index(x) for x in mask))
  //   cipher = ''.join(chars[(x + y) % len(chars)] for x, y in pairs); token = mask + cipher
  // e.g. secret[0] 'l' (11) + mask[0] 'Z' (51) = 62 → 62 % 62 = 0 → 'a';
  //      secret[1] 'c' (2) + mask[1] '9' (61) = 63 → 1 → 'b';
  //      secret[2] 'c' (2) + mask[2] 'x' (23) = 25 → 'z'.
  const secret = 'lcccDR1yQRcKeGwuq9YhFQpyM4p2MUTS'
  const mask = 'Z9x0aBcD3eF7gHiJkLmNoPqRsTuVwXyz'
  const token = 'Z9x0aBcD3eF7gHiJkLmNoPqRsTuVwXyzabz2Di31JVHHkdE3AKaUTvFf4NJN8Hhh'

  it('masks a fixed secret with a fixed mask exactly as Django does', () => {
    expect(maskCsrfSecret(secret, bytes(...bytesOf(mask)))).toBe(token)
  })

  it('unmasks a token produced by Django', () => {
    expect(unmaskCsrfToken(token)).toBe(secret)
  })

  it('wraps around the alphabet in both directions (Python negative indexing)', () => {
    // '9' is index 61: 61 + 61 = 122 → 122 % 62 = 60 → '8'; and back: 60 - 61 = -1 → '9'.
    const nines = '9'.repeat(32)
    const masked = maskCsrfSecret(nines, bytes(...bytesOf(nines)))
    expect(masked).toBe(nines + '8'.repeat(32))
    expect(unmaskCsrfToken(masked)).toBe(nines)
    // An all-'a' mask (index 0) leaves the secret as is.
    expect(maskCsrfSecret(secret, bytes(...Array(32).fill(0)))).toBe('a'.repeat(32) + secret)
  })

  it('lengths are Django’s', () => {
    expect(CSRF_SECRET_LENGTH).toBe(32)
    expect(CSRF_TOKEN_LENGTH).toBe(64)
  })
})

describe('createCsrfSecret', () => {
  it('is 32 characters of [a-zA-Z0-9] and never repeats', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      const s = createCsrfSecret()
      expect(s).toMatch(/^[a-zA-Z0-9]{32}$/)
      seen.add(s)
    }
    expect(seen.size).toBe(1000)
  })

  it('rejects bytes ≥ 248 instead of folding them (no modulo bias)', () => {
    // 248..255 would map to 'a'..'h' with `% 62`, making those 8 characters likelier.
    const source = bytes(248, 255, 0, 250, ...Array(31).fill(61))
    expect(createCsrfSecret(source)).toBe(`a${'9'.repeat(31)}`)
  })

  it('every character is equally likely given uniform bytes', () => {
    // Feed each accepted byte value exactly once per round: each char appears 4 times.
    const all = Array.from({ length: 256 }, (_, b) => b)
    const counts = new Map<string, number>()
    let pool = [...all]
    const source: RandomSource = (size) => {
      const out = new Uint8Array(size)
      for (let i = 0; i < size; i++) {
        if (pool.length === 0) pool = [...all]
        out[i] = pool.shift() as number
      }
      return out
    }
    for (let i = 0; i < 31; i++)
      for (const ch of createCsrfSecret(source)) {
        counts.set(ch, (counts.get(ch) ?? 0) + 1)
      }
    // 31 × 32 = 992 = 4 rounds of the 248 accepted byte values: 16 of each character.
    expect(counts.size).toBe(62)
    expect(new Set(counts.values())).toEqual(new Set([16]))
  })
})

/** A stored session with a CSRF token: its manager, the token, its cookie, default options. */
async function storedSessionToken() {
  const manager = new SessionManager({
    store: new MemoryStore(),
    secret: 'core-csrf-test-secret-core-csrf-test-secret',
  })
  const created = manager.open({ cookie: undefined, secure: false })
  const good = await getCsrfToken(created)
  const { setCookie } = await manager.commit(created)
  const cookie = (setCookie[0] as string).split(';')[0] as string
  return { manager, good, cookie, options: resolveCsrfOptions() }
}

describe('properties (fast-check)', () => {
  it('unmask(mask(s)) === s', () => {
    fc.assert(
      fc.property(secretArb, (s) => {
        const token = maskCsrfSecret(s)
        expect(token).toMatch(/^[a-zA-Z0-9]{64}$/)
        expect(unmaskCsrfToken(token)).toBe(s)
      }),
      { numRuns: 2000 },
    )
  })

  it('two masks of one secret differ (BREACH)', () => {
    fc.assert(
      fc.property(secretArb, (s) => {
        expect(maskCsrfSecret(s)).not.toBe(maskCsrfSecret(s))
      }),
      { numRuns: 1000 },
    )
  })

  it('unmask never throws and returns undefined for anything but 64 alphanumerics', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.string({
            unit: fc.constantFrom(...CHARS, '-', '_', 'é', ' '),
            minLength: 64,
            maxLength: 64,
          }),
        ),
        (input) => {
          const result = unmaskCsrfToken(input)
          if (!/^[a-zA-Z0-9]{64}$/.test(input)) expect(result).toBeUndefined()
          else expect(result).toMatch(/^[a-zA-Z0-9]{32}$/)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('maskCsrfSecret refuses what is not a secret, without echoing it', () => {
    for (const bad of ['', 'short', `${'a'.repeat(31)}-`, 'a'.repeat(33), `${'a'.repeat(31)}é`]) {
      expect(() => maskCsrfSecret(bad)).toThrow(
        /^maskCsrfSecret\(\) needs a secret of 32 characters from \[a-zA-Z0-9\]$/,
      )
    }
  })

  it('a token with one character changed is refused, to any character at all', async () => {
    // Characters whose low seven bits are in the alphabet (é is 0xE9, ±0x100, ±0x80) must
    // not pass for the letter they fold to.
    const { manager, good, cookie, options } = await storedSessionToken()
    // Through `header`, as the adapters read: `headers` is never built.
    const check = (token: string) =>
      checkCsrf(
        {
          method: 'POST',
          url: 'http://app.test/action',
          get headers(): Headers {
            throw new Error('headers built')
          },
          header: (name) =>
            ({ origin: 'http://app.test', 'x-csrftoken': token })[name.toLowerCase()] ?? null,
          secure: false,
        },
        manager.open({ cookie, secure: false }),
        options,
      )
    expect(await check(good)).toBeNull()
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: CSRF_TOKEN_LENGTH - 1 }),
        tokenUnit,
        async (at, char) => {
          const token = good.slice(0, at) + char + good.slice(at + 1)
          const failure = await check(token)
          expect(failure === null).toBe(token === good)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('checkCsrf never throws on random tokens and accepts only the right ones', async () => {
    const { manager, good, cookie, options } = await storedSessionToken()
    const secret = unmaskCsrfToken(good) as string
    let accepted = 0

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(good),
          fc.constant(secret),
          fc.constant(null).map(() => maskCsrfSecret(secret)),
          fc.string({ maxLength: 100 }),
          fc.string({ unit: fc.constantFrom(...CHARS), minLength: 64, maxLength: 64 }),
          fc.string({ unit: fc.constantFrom(...CHARS), minLength: 32, maxLength: 32 }),
          fc.string({
            unit: fc
              .integer({ min: 1, max: 255 })
              .filter((c) => c !== 10 && c !== 13)
              .map((c) => String.fromCharCode(c)),
            maxLength: 80,
          }),
        ),
        fc.boolean(),
        async (token, inBody) => {
          const session = manager.open({ cookie, secure: false })
          const headers = new Headers({ origin: 'http://app.test' })
          if (!inBody) headers.set('x-csrftoken', token)
          const failure = await checkCsrf(
            {
              method: 'POST',
              url: 'http://app.test/action',
              headers,
              secure: false,
              bodyToken: async () => (inBody ? token : undefined),
            },
            session,
            options,
          )
          const trimmed = token.replace(/^[\t ]+|[\t ]+$/g, '')
          const value = inBody ? token : trimmed
          const right =
            value === secret || (value.length === 64 && unmaskCsrfToken(value) === secret)
          expect(failure === null).toBe(right)
          if (right) accepted++
        },
      ),
      { numRuns: 2000 },
    )
    expect(accepted).toBeGreaterThan(100)
  })
})
