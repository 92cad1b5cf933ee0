import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OPEN_REDIRECT_PAYLOADS } from '../../../../test-support/open-redirect-payloads.js'
import { ArgumentError, safeRedirectPath } from '../../src/index.js'

const FALLBACK = '/home'

// More of the family of SECURITY.md's open-redirect payloads (OPEN_REDIRECT_PAYLOADS).
const MORE_PAYLOADS = [
  '\\\\evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  '/\r/evil.com',
  'http://evil.com',
  'https://evil.com/',
  'HTTPS://evil.com/',
  ' /x',
  '/x\n',
  '/x\r\nSet-Cookie: a=b',
  '/x y',
  '%2F%2Fevil.com',
  '//',
  '///evil.com',
  '/%2F/evil.com',
  '/%2f/evil.com',
  '/%5c/evil.com',
  '/%09/evil.com',
  '/%0A/evil.com',
  '/%0d/evil.com',
  '/%00/evil.com',
  '/%20/evil.com',
  '/%252F/evil.com', // decoded twice by some proxies
  '/%25255C/evil.com',
  '/%2F%2Fevil.com',
  // dot segments that the URL parser collapses into `//evil.com`
  '/..//evil.com',
  '/.//evil.com',
  '/a/..//evil.com',
  '/%2e%2e//evil.com',
  '/.%2E//evil.com',
  // full-width, small-form and other look-alike solidi
  '／／evil.com',
  '/／evil.com',
  '／/evil.com',
  '＼＼evil.com',
  '/＼evil.com',
  '/﹨evil.com',
  '/a＼b',
  '/%EF%BC%8F/evil.com', // percent-encoded full-width solidus
  '/%EF%BC%BCevil.com',
  // invisible characters
  '/\u200B/evil.com',
  '/\u202Eevil.com',
  '/\uFEFF/evil.com',
  '/\u00A0/evil.com',
  '/\u2028/evil.com',
  '/\u0085/evil.com',
  '/\u007F',
  '/\uD800',
  '',
  'evil.com',
  'x/y',
  '?next=/',
  '#/',
  `/${'a'.repeat(2048)}`,
]

// Django's URLHasAllowedHostAndSchemeTests.test_bad_urls (tests/utils_tests/test_http.py).
const DJANGO_BAD_URLS = [
  'http://example.com',
  'http:///example.com',
  'https://example.com',
  'ftp://example.com',
  '\\\\example.com',
  '\\\\\\example.com',
  '/\\\\/example.com',
  '\\\\//example.com',
  '/\\/example.com',
  '\\/example.com',
  '/\\example.com',
  'http:/\\//example.com',
  'http:\\/example.com',
  'http:/\\example.com',
  'javascript:alert("XSS")',
  '\njavascript:alert(x)',
  'java\nscript:alert(x)',
  '\x08//example.com',
  'http://otherserver\\@example.com',
  'http:\\\\testserver\\@example.com',
  'http://testserver\\me:pass@example.com',
  'http://testserver\\@example.com',
  'http:\\\\testserver\\confirm\\me@example.com',
  'http:999999999',
  'ftp:9999999999',
  '\n',
  'http://[2001:cdba:0000:0000:0000:0000:3257:9652/',
  'http://2001:cdba:0000:0000:0000:0000:3257:9652]/',
]

const NON_STRINGS: unknown[] = [
  undefined,
  null,
  0,
  1,
  true,
  {},
  [],
  ['/a'],
  { toString: () => '/a' },
  new URL('http://safe.invalid/a'),
  Symbol('x'),
  10n,
]

describe('safeRedirectPath', () => {
  it.each([...OPEN_REDIRECT_PAYLOADS, ...MORE_PAYLOADS, ...DJANGO_BAD_URLS])(
    'falls back for %j',
    (payload) => {
      expect(safeRedirectPath(payload, FALLBACK)).toBe(FALLBACK)
    },
  )

  it('falls back for values that are not strings', () => {
    for (const value of NON_STRINGS) expect(safeRedirectPath(value, FALLBACK)).toBe(FALLBACK)
  })

  it('keeps same-origin paths, normalised', () => {
    expect(safeRedirectPath('/', FALLBACK)).toBe('/')
    expect(safeRedirectPath('/a/b?c=d#e', FALLBACK)).toBe('/a/b?c=d#e')
    expect(safeRedirectPath('/%E2%9C%93', FALLBACK)).toBe('/%E2%9C%93')
    expect(safeRedirectPath('/café', FALLBACK)).toBe('/caf%C3%A9')
    expect(safeRedirectPath('/a/./b/../c', FALLBACK)).toBe('/a/c')
    expect(safeRedirectPath('/x#y"<>', FALLBACK)).toBe('/x#y%22%3C%3E')
    expect(safeRedirectPath('/%F0%9F%98%80', FALLBACK)).toBe('/%F0%9F%98%80')
    expect(safeRedirectPath(`/${'a'.repeat(2047)}`, FALLBACK)).toBe(`/${'a'.repeat(2047)}`)
  })

  it("keeps Django's good same-origin URLs (paths with absolute URLs in the query)", () => {
    for (const good of [
      '/view/?param=http://example.com',
      '/view/?param=https://example.com',
      '/view?param=ftp://example.com',
      '/url%20with%20spaces/',
      '/confirm/me@example.com',
      '/search?q=%2F%2Fevil.com',
      '/a/%2F%2Fnot-first-segment',
    ]) {
      expect(safeRedirectPath(good, FALLBACK)).toBe(good)
    }
  })

  it("uses '/' as the default fallback and normalises a given fallback", () => {
    expect(safeRedirectPath('//evil.com')).toBe('/')
    expect(safeRedirectPath(undefined)).toBe('/')
    expect(safeRedirectPath('//evil.com', '/a/../b')).toBe('/b')
  })

  it('throws ArgumentError when the fallback itself is unsafe, whatever next is', () => {
    for (const bad of ['//evil.com', 'https://evil.com', '', 'relative', null, 42, '/\\x']) {
      expect(() => safeRedirectPath('/fine', bad as string)).toThrow(ArgumentError)
    }
  })

  it('never throws and returns the fallback or a path that stays on any origin', () => {
    const bases = ['http://safe.invalid', 'https://app.example.com:8443']
    const pieces = fc.constantFrom(
      '/',
      '\\',
      '.',
      '..',
      '%',
      '%2F',
      '%5C',
      '%2e',
      '%09',
      '%25',
      '\t',
      '\n',
      ' ',
      ':',
      '@',
      '?',
      '#',
      '／',
      '＼',
      'evil.com',
      'http:',
      'javascript:',
      '\u0000',
      '\u200B',
    )
    const input = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join('')),
      fc.array(pieces, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
    )
    fc.assert(
      fc.property(input, (next) => {
        const result = safeRedirectPath(next, FALLBACK)
        if (result === FALLBACK) return
        expect(result.startsWith('/')).toBe(true)
        expect(result.startsWith('//')).toBe(false)
        expect(result.startsWith('/\\')).toBe(false)
        for (const base of bases) {
          expect(new URL(result, base).origin).toBe(new URL(base).origin)
        }
        // Idempotent: a kept path is its own normal form.
        expect(safeRedirectPath(result, FALLBACK)).toBe(result)
      }),
      { numRuns: 5000 },
    )
  })
})
