import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type CookieAttributes,
  deleteCookie,
  getCookie,
  parseCookieHeader,
  serializeCookie,
} from '../../src/cookie/index.js'
import { CookieError } from '../../src/errors.js'

const RUNS = { numRuns: 2000 }

const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const COOKIE_OCTETS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
  String.fromCharCode(0x21 + i),
)
  .filter((c) => !'",;\\'.includes(c))
  .join('')

const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 40 })
const cookieOctets = fc.string({ unit: fc.constantFrom(...COOKIE_OCTETS), maxLength: 200 })

// Any UTF-16 code unit, lone surrogates and C0/C1 controls included.
const codeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 300,
})

// Strings built from the pieces a Cookie header is made of, so names actually repeat,
// collide with separators and carry quotes and odd whitespace.
const headerPiece = fc.oneof(
  fc.constantFrom(
    ';',
    '; ',
    '=',
    ' ',
    '\t',
    '"',
    '\u00a0',
    '\r\n',
    '\0',
    'sid',
    '__Host-sid',
    'a',
    'A',
    '%',
    '%E0',
  ),
  token,
  cookieOctets,
  fc.string({ unit: 'binary', maxLength: 5 }),
)
const cookieLikeHeader = fc.array(headerPiece, { maxLength: 60 }).map((parts) => parts.join(''))

const anyHeader = fc.oneof(
  cookieLikeHeader,
  codeUnits,
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(null, undefined),
)

function agrees(header: string | null | undefined, probes: string[]): void {
  const cookies = parseCookieHeader(header)
  for (const [name, value] of cookies) expect(getCookie(header, name)).toBe(value)
  for (const name of probes) expect(getCookie(header, name)).toBe(cookies.get(name))
}

describe('cookie properties', () => {
  it('(a) parseCookieHeader and getCookie never throw, and always agree', () => {
    fc.assert(
      fc.property(
        anyHeader,
        fc.array(fc.oneof(token, codeUnits, fc.constantFrom('sid', '__Host-sid', 'a', '')), {
          maxLength: 5,
        }),
        (header, probes) => agrees(header, probes),
      ),
      { numRuns: 5000 },
    )
  })

  it('(a) agreement holds around the 64 KiB and 256-pair limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 65_536 - 40, max: 65_536 + 40 }),
        fc.integer({ min: 200, max: 300 }),
        cookieLikeHeader,
        (length, pairs, tail) => {
          const filler = 'x'.repeat(Math.max(0, length - 6))
          agrees(`a=1; b=${filler}; ${tail}`, ['a', 'b', 'sid'])
          agrees(`${'k=v;'.repeat(pairs)}${tail}`, ['k', 'sid', '__Host-sid'])
        },
      ),
      { numRuns: 300 },
    )
  })

  it('(b) a serialized name=value reads back unchanged', () => {
    fc.assert(
      fc.property(token, cookieOctets, (name, value) => {
        const pair = serializeCookie(name, value).split('; ')[0] as string
        expect(pair).toBe(`${name}=${value}`)
        expect(parseCookieHeader(pair).get(name)).toBe(value)
        expect(getCookie(pair, name)).toBe(value)
        // Among other cookies, and with the optional DQUOTE pair.
        const header = `x=1; ${pair}; ${name}=later`
        expect(getCookie(header, name)).toBe(name === 'x' ? '1' : value)
        expect(getCookie(serializeCookie(name, `"${value}"`), name)).toBe(value)
      }),
      RUNS,
    )
  })

  it('(c) serializeCookie and deleteCookie return clean ASCII or throw a CookieError', () => {
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.anything(), codeUnits)
    const attributes = fc.oneof(
      fc.record(
        {
          maxAge: maybe(fc.oneof(fc.integer(), fc.double())),
          expires: maybe(fc.date({ noInvalidDate: false })),
          domain: maybe(fc.oneof(token, fc.constant('example.com'))),
          path: maybe(
            fc.oneof(
              token.map((t) => `/${t}`),
              fc.constant('/'),
            ),
          ),
          secure: maybe(fc.boolean()),
          httpOnly: maybe(fc.boolean()),
          sameSite: maybe(fc.constantFrom('Strict', 'Lax', 'None')),
          partitioned: maybe(fc.boolean()),
          priority: maybe(fc.constantFrom('Low', 'Medium', 'High')),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    )
    const name = fc.oneof(
      token,
      fc.constantFrom('__Host-sid', '__secure-x'),
      codeUnits,
      fc.anything(),
    )
    const value = fc.oneof(cookieOctets, codeUnits, fc.anything())
    let serialized = 0
    fc.assert(
      fc.property(name, value, attributes, (n, v, a) => {
        for (const run of [
          () => serializeCookie(n as string, v as string, a as CookieAttributes),
          () => deleteCookie(n as string, a as CookieAttributes),
        ]) {
          let header: string
          try {
            header = run()
          } catch (error) {
            expect(error).toBeInstanceOf(CookieError)
            continue
          }
          serialized++
          expect(header).not.toMatch(/[\r\n\0]/)
          // Stronger: nothing but printable ASCII ever reaches the header.
          for (let i = 0; i < header.length; i++) {
            const c = header.charCodeAt(i)
            expect(c >= 0x20 && c <= 0x7e).toBe(true)
          }
        }
      }),
      { numRuns: 5000 },
    )
    // The generators must reach the success path too, or the property proves little.
    expect(serialized).toBeGreaterThan(500)
  })
})
