import { proxyView } from '@tessera/core'
import { shouldCommit } from '@tessera/core/adapter'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const headers = (record: Record<string, string>) => (name: string) => record[name]
const direct = { secure: false, ip: '10.0.0.1' }

describe('proxyView', () => {
  it('ignores forwarded headers without trustProxy', () => {
    const view = proxyView(
      headers({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' }),
      false,
      direct,
    )
    expect(view).toEqual({ secure: false, ip: '10.0.0.1', trustProxy: false })
  })

  it('with trustProxy: the first proto, the last (proxy-appended) address', () => {
    const view = proxyView(
      headers({
        'x-forwarded-proto': 'HTTPS, http',
        'x-forwarded-for': '198.51.100.9, 203.0.113.7',
      }),
      true,
      direct,
    )
    expect(view).toEqual({ secure: true, ip: '203.0.113.7', trustProxy: true })
  })

  it('falls back to the direct view when the headers are absent or junk', () => {
    expect(proxyView(headers({}), true, direct)).toEqual({ ...direct, trustProxy: true })
    expect(proxyView(headers({ 'x-forwarded-for': 'a, <script>' }), true, direct).ip).toBe(
      '10.0.0.1',
    )
  })

  it('never throws and never believes more than it was given (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.boolean(), (proto, forwardedFor, trust) => {
        const view = proxyView(
          headers({ 'x-forwarded-proto': proto, 'x-forwarded-for': forwardedFor }),
          trust,
          direct,
        )
        if (!trust) expect(view.ip).toBe('10.0.0.1')
        expect(view.ip === '10.0.0.1' || forwardedFor.includes(view.ip as string)).toBe(true)
        expect(view.ip?.length ?? 0).toBeLessThanOrEqual(64)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('shouldCommit', () => {
  it('saves below 500 only, and never for a thrown handler', () => {
    expect([200, 302, 404, 499].map(shouldCommit)).toEqual([true, true, true, true])
    expect([500, 503, 599, undefined].map(shouldCommit)).toEqual([false, false, false, false])
  })
})
