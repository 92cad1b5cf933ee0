import { ConfigError, resolveAllowedHosts } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/)
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'))
const port = fc.integer({ min: 1, max: 65535 })
const flipCase = (s: string, mask: number) =>
  [...s].map((c, i) => ((mask >> (i % 30)) & 1 ? c.toUpperCase() : c)).join('')

describe('resolveAllowedHosts', () => {
  it('allows the listed names on any port, case-insensitively, with a trailing dot', () => {
    fc.assert(
      fc.property(name, port, fc.nat(), (host, p, mask) => {
        const hosts = resolveAllowedHosts([host])
        const shown = flipCase(host, mask)
        expect(hosts.allows(shown)).toBe(true)
        expect(hosts.allows(`${shown}:${p}`)).toBe(true)
        expect(hosts.allows(`${shown}.:${p}`)).toBe(true)
      }),
    )
  })

  it('an entry with a port allows only that port', () => {
    fc.assert(
      fc.property(name, port, port, (host, p, q) => {
        const hosts = resolveAllowedHosts([`${host}:${p}`])
        expect(hosts.allows(`${host}:${p}`)).toBe(true)
        expect(hosts.allows(host)).toBe(false)
        expect(hosts.allows(`${host}:${q}`)).toBe(p === q)
      }),
    )
  })

  it('never allows a look-alike: suffix, prefix, subdomain or userinfo around a listed name', () => {
    fc.assert(
      fc.property(name, label, (host, extra) => {
        const hosts = resolveAllowedHosts([host])
        for (const spoof of [
          `${host}.${extra}`,
          `${extra}.${host}`,
          `${host}${extra}x`,
          `${extra}@${host}`,
          `${host}@${extra}`,
          `${host}/${extra}`,
          ` ${host}`,
          `${host}:`,
          `${host}:99999`,
        ]) {
          if (spoof !== host) expect(hosts.allows(spoof)).toBe(false)
        }
      }),
    )
  })

  it('never throws and never allows anything for arbitrary Host values outside the list', () => {
    const hosts = resolveAllowedHosts(['app.example.com', '[::1]', 'localhost:3000'])
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (value) => {
        const allowed = hosts.allows(value)
        if (allowed) {
          expect(value.toLowerCase().replace(/\.(?=:|$)/, '')).toMatch(
            /^(app\.example\.com(:\d+)?|\[::1\](:\d+)?|localhost:0*3000)$/,
          )
        }
      }),
      { numRuns: 5000 },
    )
    expect(hosts.allows(null)).toBe(false)
    expect(hosts.allows(undefined)).toBe(false)
    expect(hosts.allows('[::1]:8080')).toBe(true)
    expect(hosts.allows('[::2]')).toBe(false)
    expect(hosts.allows('localhost')).toBe(false)
  })

  it('refuses wildcards, schemes, paths and non-strings with ConfigError naming the entry', () => {
    for (const bad of [
      '*',
      '.example.com',
      'https://example.com',
      'example.com/',
      '',
      ' a.b',
      'a:b',
    ]) {
      expect(() => resolveAllowedHosts(['ok.example', bad])).toThrow(ConfigError)
      expect(() => resolveAllowedHosts(['ok.example', bad])).toThrow(
        /^allowedHosts\[1\] must be an exact host/,
      )
    }
    expect(() => resolveAllowedHosts('localhost' as never)).toThrow(ConfigError)
  })
})

describe('AllowedHosts.allowsUrl', () => {
  it('reads the host of an absolute URL, and refuses one that does not parse', () => {
    const hosts = resolveAllowedHosts(['app.example', '[::1]'])
    expect(hosts.allowsUrl('https://APP.example:8443/x?y')).toBe(true)
    expect(hosts.allowsUrl('http://[::1]:3000/')).toBe(true)
    expect(hosts.allowsUrl('http://evil.example/')).toBe(false)
    expect(hosts.allowsUrl('not a url')).toBe(false)
    expect(hosts.allowsUrl('ftp://app.example/')).toBe(false)
  })

  it('refuses an authority a URL parser would decode or cut to an allowed host', () => {
    const hosts = resolveAllowedHosts(['app.example'])
    // Userinfo: a parser reads the host after "@".
    expect(hosts.allowsUrl('http://evil.example@app.example/')).toBe(false)
    // A backslash ends the authority for a parser: the host is evil.example.
    expect(hosts.allowsUrl('http://evil.example\\@app.example/')).toBe(false)
    // Percent escapes and non-ASCII are never a plain Host.
    expect(hosts.allowsUrl('http://%61pp.example/')).toBe(false)
    expect(hosts.allowsUrl('http://äpp.example/')).toBe(false)
    // The authority ends at "/", "?" or "#".
    expect(hosts.allowsUrl('http://app.example?x=@evil.example')).toBe(true)
    expect(hosts.allowsUrl('http://app.example#@evil.example')).toBe(true)
  })

  it('never allows a URL whose host, as a WHATWG parser reads it, is not listed', () => {
    const hosts = resolveAllowedHosts(['app.example', '127.0.0.1', '[::1]'])
    const listed = new Set(['app.example', '127.0.0.1', '[::1]'])
    const piece = fc.constantFrom(
      'app.example',
      'APP.example',
      'evil.example',
      '@',
      ':',
      ':443',
      ':80',
      '.',
      '\\',
      '/',
      '?',
      '#',
      '%40',
      '%2e',
      '[',
      ']',
      '::1',
      '127.0.0.1',
      '0x7f.1',
      ' ',
      '\t',
      'ä',
      'user:pw',
    )
    const authority = fc.oneof(
      fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
      fc.string({ maxLength: 30 }),
    )
    fc.assert(
      fc.property(fc.constantFrom('http://', 'https://'), authority, (scheme, host) => {
        const url = `${scheme}${host}/path`
        if (!hosts.allowsUrl(url)) return
        const parsed = URL.parse(url)
        expect(parsed).not.toBeNull()
        expect(listed.has((parsed as URL).hostname.replace(/\.$/, ''))).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})
