import { describe, expect, it } from 'vitest'
import { type CookieAttributes, MAX_COOKIE_SIZE, serializeCookie } from '../../src/cookie/index.js'
import { CookieError } from '../../src/errors.js'

function refusal(run: () => unknown): CookieError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(CookieError)
    return error as CookieError
  }
  throw new Error('expected a CookieError')
}

function expectInvalid(name: unknown, value: unknown, attributes?: unknown): CookieError {
  const error = refusal(() =>
    serializeCookie(name as string, value as string, attributes as CookieAttributes),
  )
  expect(error.code).toBe('COOKIE_INVALID')
  return error
}

const hostOk = { secure: true, path: '/' } satisfies CookieAttributes

describe('serializeCookie', () => {
  it('serializes a bare name=value', () => {
    expect(serializeCookie('a', 'b')).toBe('a=b')
    expect(serializeCookie('a', '')).toBe('a=')
    expect(serializeCookie('a', '"quoted"')).toBe('a="quoted"')
  })

  it('emits every attribute in the documented order', () => {
    const header = serializeCookie('__Host-sid', 'v', {
      priority: 'High',
      partitioned: true,
      sameSite: 'None',
      secure: true,
      httpOnly: true,
      expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
      path: '/',
      maxAge: 3600,
    })
    expect(header).toBe(
      '__Host-sid=v; Max-Age=3600; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; SameSite=None; Partitioned; Priority=High',
    )
    expect(
      serializeCookie('d', 'v', { domain: 'example.com', path: '/app', sameSite: 'Lax' }),
    ).toBe('d=v; Domain=example.com; Path=/app; SameSite=Lax')
  })

  it('omits false flags', () => {
    expect(serializeCookie('a', 'b', { secure: false, httpOnly: false, partitioned: false })).toBe(
      'a=b',
    )
  })

  it('refuses names that are not tokens, without echoing them', () => {
    for (const name of ['', 'a b', 'a=b', 'a;b', 'a\r\nb', 'a,b', 'é', '\u00a0sid', '(x)']) {
      expect(expectInvalid(name, 'v').message).not.toContain(name || '""')
    }
    const error = expectInvalid('sid=secret-token-value', 'v')
    expect(error.message).not.toContain('secret-token-value')
  })

  it('refuses values outside cookie-octet: injection, spaces, quotes, commas, backslash', () => {
    for (const value of [
      'a;b',
      'a\rb',
      'a\nb',
      'x\r\nSet-Cookie: evil=1',
      'a b',
      'a\tb',
      'a,b',
      'a\\b',
      'a"b',
      '"a',
      '"',
      '"a"b"',
      '\0',
      '\x7f',
      'é',
      '\u2028',
    ]) {
      const error = expectInvalid('sid', value)
      expect(error.message).toContain('"sid"')
      if (value.length > 1) expect(error.message).not.toContain(value)
    }
  })

  it('accepts every cookie-octet', () => {
    const octets = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
      .filter((c) => !'",;\\'.includes(c))
      .join('')
    expect(serializeCookie('a', octets)).toBe(`a=${octets}`)
    expect(serializeCookie('a', `"${octets}"`)).toBe(`a="${octets}"`)
  })

  it('refuses more than 4096 bytes of name plus value with COOKIE_TOO_LARGE, without the value', () => {
    const value = `secret${'A'.repeat(MAX_COOKIE_SIZE - 1 - 6)}`
    expect(serializeCookie('a', value)).toHaveLength(MAX_COOKIE_SIZE + 1)
    const tooBig = `${value}Z`
    expect(1 + tooBig.length).toBe(4097)
    const error = refusal(() => serializeCookie('a', tooBig))
    expect(error.code).toBe('COOKIE_TOO_LARGE')
    expect(error.message).not.toContain(tooBig)
    expect(error.message).not.toContain('secretAAAA')
    expect(error.message).toContain('4097')
    expect(refusal(() => serializeCookie('n'.repeat(4097), '')).code).toBe('COOKIE_TOO_LARGE')
  })

  it('refuses CR, LF, ";", controls, spaces and non-ASCII in domain and path', () => {
    for (const bad of [
      'example.com\r\nSet-Cookie: x=1',
      'example.com\n',
      'example.com; Secure',
      'exa mple.com',
      'example.com\0',
      'example.com\x7f',
      'exämple.com',
      '',
    ]) {
      expect(expectInvalid('a', 'b', { domain: bad }).message).not.toContain(bad || '""')
      if (bad !== '') {
        expect(expectInvalid('a', 'b', { path: `/${bad}` }).message).not.toContain(`/${bad}`)
      }
    }
  })

  it('refuses a path that does not start with "/"', () => {
    expectInvalid('a', 'b', { path: 'app' })
    expectInvalid('a', 'b', { path: '' })
  })

  it('refuses attribute values over 1024 bytes', () => {
    expect(serializeCookie('a', 'b', { path: `/${'p'.repeat(1023)}` })).toContain('Path=/')
    expectInvalid('a', 'b', { path: `/${'p'.repeat(1024)}` })
    expectInvalid('a', 'b', { domain: `${'d'.repeat(1021)}.com` })
  })

  it('refuses non-integer, negative, unsafe and non-finite maxAge', () => {
    for (const maxAge of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 2 ** 53, '60']) {
      expectInvalid('a', 'b', { maxAge })
    }
    expect(serializeCookie('a', 'b', { maxAge: 0 })).toBe('a=b; Max-Age=0')
    expect(serializeCookie('a', 'b', { maxAge: -0 })).toBe('a=b; Max-Age=0')
  })

  it('refuses invalid dates, non-dates and years browsers cannot parse', () => {
    expectInvalid('a', 'b', { expires: new Date(Number.NaN) })
    expectInvalid('a', 'b', { expires: '2030-01-01' })
    expectInvalid('a', 'b', { expires: Date.now() })
    expectInvalid('a', 'b', { expires: { getTime: () => 0, toUTCString: () => 'x\r\n' } })
    expectInvalid('a', 'b', { expires: new Date(Date.UTC(1600, 11, 31)) })
    expectInvalid('a', 'b', { expires: new Date(Date.UTC(10000, 0, 1)) })
    expect(serializeCookie('a', 'b', { expires: new Date(Date.UTC(1601, 0, 1)) })).toBe(
      'a=b; Expires=Mon, 01 Jan 1601 00:00:00 GMT',
    )
  })

  it('formats the time value itself, not an overridden toUTCString', () => {
    class Sneaky extends Date {
      override toUTCString(): string {
        return 'x\r\nSet-Cookie: evil=1'
      }
    }
    expect(serializeCookie('a', 'b', { expires: new Sneaky(0) })).toBe(
      'a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    )
  })

  it('refuses SameSite=None and Partitioned without Secure', () => {
    expectInvalid('a', 'b', { sameSite: 'None' })
    expectInvalid('a', 'b', { sameSite: 'None', secure: false })
    expectInvalid('a', 'b', { partitioned: true })
    expect(serializeCookie('a', 'b', { sameSite: 'None', secure: true })).toBe(
      'a=b; Secure; SameSite=None',
    )
    expect(serializeCookie('a', 'b', { partitioned: true, secure: true })).toBe(
      'a=b; Secure; Partitioned',
    )
  })

  it('refuses unknown SameSite and Priority values and non-boolean flags', () => {
    expectInvalid('a', 'b', { sameSite: 'lax' })
    expectInvalid('a', 'b', { sameSite: 'Lax\r\n' })
    expectInvalid('a', 'b', { priority: 'urgent' })
    expectInvalid('a', 'b', { secure: 'false' })
    expectInvalid('a', 'b', { httpOnly: 1 })
    expectInvalid('a', 'b', { partitioned: null })
    expectInvalid('a', 'b', 'path=/')
    expectInvalid('a', 42)
  })

  it('enforces the __Secure- prefix, case-insensitively', () => {
    for (const name of ['__Secure-id', '__secure-id', '__SECURE-id', '__sEcUrE-id']) {
      expectInvalid(name, 'v')
      expectInvalid(name, 'v', { secure: false, path: '/' })
      expect(serializeCookie(name, 'v', { secure: true, domain: 'example.com' })).toBe(
        `${name}=v; Domain=example.com; Secure`,
      )
    }
  })

  it('enforces the __Host- prefix: Secure, Path=/ and no Domain, case-insensitively', () => {
    for (const name of ['__Host-sid', '__host-sid', '__hOsT-sid', '__HOST-sid']) {
      expect(serializeCookie(name, 'v', hostOk)).toBe(`${name}=v; Path=/; Secure`)
      expectInvalid(name, 'v', { path: '/' })
      expectInvalid(name, 'v', { ...hostOk, domain: 'example.com' })
      expectInvalid(name, 'v', { ...hostOk, path: '/x' })
      expectInvalid(name, 'v', { ...hostOk, path: '//' })
      expectInvalid(name, 'v', { secure: true })
    }
  })

  it('does not treat look-alike prefixes as prefixes', () => {
    expect(serializeCookie('_Host-sid', 'v')).toBe('_Host-sid=v')
    expect(serializeCookie('__Hostsid', 'v')).toBe('__Hostsid=v')
    expect(serializeCookie('x__Host-sid', 'v')).toBe('x__Host-sid=v')
  })

  it('names the cookie and the rule in errors', () => {
    const error = expectInvalid('__Host-sid', 'v', { secure: true, path: '/x' })
    expect(error.message).toContain('__Host-sid')
    expect(error.message).toContain('path')
  })
})
