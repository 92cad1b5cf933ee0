import { describe, expect, it } from 'vitest'
import {
  getCookie,
  MAX_COOKIE_HEADER_LENGTH,
  MAX_COOKIE_PAIRS,
  parseCookieHeader,
} from '../../src/cookie/index.js'

// Every example runs through both readers: they must give the same answer.
function read(header: string | null | undefined, name: string): string | undefined {
  const fromMap = parseCookieHeader(header).get(name)
  expect(getCookie(header, name)).toBe(fromMap)
  return fromMap
}

describe('parseCookieHeader and getCookie', () => {
  it('reads name=value pairs separated by "; "', () => {
    const header = 'a=1; b=two; __Host-sid=abc.DEF_-'
    expect([...parseCookieHeader(header)]).toEqual([
      ['a', '1'],
      ['b', 'two'],
      ['__Host-sid', 'abc.DEF_-'],
    ])
    expect(read(header, '__Host-sid')).toBe('abc.DEF_-')
    expect(read(header, 'c')).toBeUndefined()
  })

  it('keeps the first occurrence of a duplicate name', () => {
    const header = 'sid=first; other=x; sid=second'
    expect(read(header, 'sid')).toBe('first')
    expect(parseCookieHeader(header).size).toBe(2)
  })

  it('trims SP and HTAB around names and values', () => {
    const header = ' \ta \t= \t1 \t;\tb=2 '
    expect(read(header, 'a')).toBe('1')
    expect(read(header, 'b')).toBe('2')
  })

  it('does not trim Unicode spaces, so "\\u00a0__Host-sid" is not "__Host-sid"', () => {
    for (const space of ['\u00a0', '\u2000', '\u3000', '\ufeff', '\u200b', '\u0085']) {
      const header = `${space}__Host-sid=planted`
      expect(read(header, '__Host-sid')).toBeUndefined()
      expect(parseCookieHeader(header).size).toBe(0)
    }
    expect(read('__Host-sid=x\u00a0', '__Host-sid')).toBe('x\u00a0')
  })

  it('matches names case-sensitively', () => {
    expect(read('SID=upper', 'sid')).toBeUndefined()
    expect(read('SID=upper', 'SID')).toBe('upper')
  })

  it('skips pairs without "=", with an empty name or with a non-token name', () => {
    const header = 'novalue; =empty; a b=space; a"b=quote; a@b=at; (x)=p; é=accent; ok=1'
    expect([...parseCookieHeader(header)]).toEqual([['ok', '1']])
    expect(read(header, 'novalue')).toBeUndefined()
    expect(read(header, '')).toBeUndefined()
    expect(read(header, 'a b')).toBeUndefined()
    expect(read(header, 'é')).toBeUndefined()
  })

  it('splits each pair at its first "="', () => {
    expect(read('a==b=c', 'a')).toBe('=b=c')
  })

  it('removes exactly one pair of surrounding DQUOTEs', () => {
    expect(read('a="x"', 'a')).toBe('x')
    expect(read('a=""', 'a')).toBe('')
    expect(read('a=""x""', 'a')).toBe('"x"')
    expect(read('a="x', 'a')).toBe('"x')
    expect(read('a=x"', 'a')).toBe('x"')
    expect(read('a="', 'a')).toBe('"')
    expect(read('a= "x" ', 'a')).toBe('x')
    expect(read('a=" x "', 'a')).toBe(' x ')
  })

  it('returns values raw, never percent-decoded (malformed escapes included)', () => {
    expect(read('a=%41%20b', 'a')).toBe('%41%20b')
    expect(read('a=%E0%A4%A', 'a')).toBe('%E0%A4%A')
    expect(read('a=%', 'a')).toBe('%')
  })

  it('accepts empty values', () => {
    expect(read('a=; b=2', 'a')).toBe('')
    expect(read('a=', 'a')).toBe('')
  })

  it('returns nothing for absent or degenerate headers, without throwing', () => {
    for (const header of [null, undefined, '', '=', ';;;', ' ; ; ', '==', ';=;', '"', 'a', '\0']) {
      expect(parseCookieHeader(header).size).toBe(0)
      expect(read(header, 'a')).toBeUndefined()
    }
  })

  it('never throws on non-string input from untyped callers', () => {
    for (const header of [42, {}, [], Symbol('x'), () => 'a=1', new String('a=1')]) {
      expect(parseCookieHeader(header as unknown as string).size).toBe(0)
      expect(getCookie(header as unknown as string, 'a')).toBeUndefined()
    }
    expect(getCookie('a=1', 42 as unknown as string)).toBeUndefined()
  })

  it('keeps control characters and CR/LF in values raw and does not throw', () => {
    const header = 'a=x\r\ny; b=\0; c=\x7f\x1b; d\n=1'
    expect(read(header, 'a')).toBe('x\r\ny')
    expect(read(header, 'b')).toBe('\0')
    expect(read(header, 'c')).toBe('\x7f\x1b')
    expect(read(header, 'd')).toBeUndefined()
  })

  it('handles a 100 KB header without throwing and ignores what lies past 64 KiB', () => {
    const big = `a=1; junk=${'x'.repeat(100_000)}; b=2`
    expect(read(big, 'a')).toBe('1')
    expect(read(big, 'junk')).toBeUndefined()
    expect(read(big, 'b')).toBeUndefined()
    expect(read(`a=${'%'.repeat(100_000)}`, 'a')).toBeUndefined()
    expect(read(';'.repeat(100_000), 'a')).toBeUndefined()
    expect(read('='.repeat(100_000), 'a')).toBeUndefined()
  })

  it('keeps a pair that ends exactly at the 64 KiB limit and drops one that straddles it', () => {
    const prefix = 'a=1; b='
    const fits = `${prefix}${'y'.repeat(MAX_COOKIE_HEADER_LENGTH - prefix.length)}`
    expect(fits.length).toBe(MAX_COOKIE_HEADER_LENGTH)
    expect(read(fits, 'b')).toHaveLength(MAX_COOKIE_HEADER_LENGTH - prefix.length)
    expect(read(`${fits}; c=3`, 'b')).toHaveLength(MAX_COOKIE_HEADER_LENGTH - prefix.length)
    expect(read(`${fits}; c=3`, 'c')).toBeUndefined()
    expect(read(`${fits}y`, 'b')).toBeUndefined()
    expect(read(`${fits}y`, 'a')).toBe('1')
  })

  it('examines at most 256 pairs, counting malformed ones', () => {
    const pairs = Array.from({ length: MAX_COOKIE_PAIRS }, (_, i) => `c${i}=${i}`)
    const header = [...pairs, 'late=1'].join('; ')
    expect(parseCookieHeader(header).size).toBe(MAX_COOKIE_PAIRS)
    expect(read(header, `c${MAX_COOKIE_PAIRS - 1}`)).toBe(String(MAX_COOKIE_PAIRS - 1))
    expect(read(header, 'late')).toBeUndefined()
    expect(read(`${';'.repeat(MAX_COOKIE_PAIRS)}late=1`, 'late')).toBeUndefined()
    expect(read(`${';'.repeat(MAX_COOKIE_PAIRS - 1)}late=1`, 'late')).toBe('1')
  })

  it('does not mistake a name that appears inside another pair', () => {
    const header = 'xsid=1; sid_=2; v=sid=3; sid=4'
    expect(read(header, 'sid')).toBe('4')
  })

  it('treats "__proto__" and other Object.prototype names as ordinary names', () => {
    expect(read('__proto__=1; constructor=2', '__proto__')).toBe('1')
    expect(read('__proto__=1; constructor=2', 'constructor')).toBe('2')
    expect(read('a=1', 'toString')).toBeUndefined()
  })
})
