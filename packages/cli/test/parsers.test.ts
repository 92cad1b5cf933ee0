import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CliError } from '../src/cli-error.js'
import { terminalSafe } from '../src/output/terminal-safe.js'
import { parseStoreUrl } from '../src/stores/store-url.js'

// The two pure functions the command feeds untrusted or mistyped text: what session
// records carry (user agents, user ids, IPs come from requests) and store URLs.
const UNSAFE = (c: string) => {
  const code = c.charCodeAt(0)
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  )
}

describe('terminalSafe (property)', () => {
  it('leaves no control character or bidi override, and changes nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const out = terminalSafe(text)
        expect([...out].filter(UNSAFE)).toEqual([])
        // Undoing the escapes gives back the input: nothing else was touched.
        const undone = out.replace(/\\u([0-9a-f]{4})/g, (m, hex: string) => {
          const c = String.fromCharCode(Number.parseInt(hex, 16))
          return UNSAFE(c) ? c : m
        })
        expect(undone).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('parseStoreUrl (property)', () => {
  const password = fc
    .string({ minLength: 6, maxLength: 20, unit: 'grapheme-ascii' })
    .filter((p) => /[A-Za-z]{4}/.test(p))

  it('answers a store or a usage CliError, never anything else, and never quotes the password', () => {
    const scheme = fc.constantFrom(
      'redis',
      'rediss',
      'redis+cluster',
      'postgres',
      'postgresql',
      'sqlite',
      'mysql',
      'http',
      '',
    )
    const rest = fc.string({ maxLength: 40, unit: 'grapheme-ascii' })
    fc.assert(
      fc.property(
        scheme,
        fc.stringMatching(/^[a-z]{0,8}$/),
        password,
        rest,
        (s, user, pw, after) => {
          // The password is in the userinfo; everything after the @ is arbitrary. Where the
          // user name or the host happens to spell the password (CI drew the host 'totype'
          // with the password 'totype'), showing them is not quoting it: such URLs say nothing.
          fc.pre(
            ![user, after].some(
              (part) => part.includes(pw) || part.includes(encodeURIComponent(pw)),
            ),
          )
          const url = `${s}${s ? '://' : ''}${user}:${encodeURIComponent(pw)}@${after}`
          let result: ReturnType<typeof parseStoreUrl> | undefined
          try {
            result = parseStoreUrl(url)
          } catch (error) {
            expect(error).toBeInstanceOf(CliError)
            expect((error as CliError).kind).toBe('usage')
            expect((error as CliError).message).not.toContain(pw)
            expect((error as CliError).message).not.toContain(encodeURIComponent(pw))
            return
          }
          if (result.kind !== 'sqlite') expect(result.display).not.toContain(encodeURIComponent(pw))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('parses cluster node lists of any length, IPv6 included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('10.0.0.1', 'redis-a.internal', '[::1]', '[2001:db8::7]'),
            fc.integer({ min: 1, max: 65535 }),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (nodes) => {
          const url = parseStoreUrl(
            `redis+cluster://${nodes.map(([h, p]) => `${h}:${p}`).join(',')}`,
          )
          expect(url).toMatchObject({
            kind: 'redis-cluster',
            nodes: nodes.map(([host, port]) => ({ host: host.replace(/^\[|\]$/g, ''), port })),
            tls: false,
          })
        },
      ),
    )
  })
})
