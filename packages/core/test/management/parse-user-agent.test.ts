import { parseUserAgent } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

// Real headers, as the browsers sent them.
const CASES: Array<[ua: string, browser: string | null, os: string | null, device: string]> = [
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Chrome 131',
    'macOS',
    'desktop',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
    'Edge 131',
    'Windows 10/11',
    'desktop',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'Firefox 133',
    'Windows 10/11',
    'desktop',
  ],
  [
    'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    'Firefox 128',
    'Linux',
    'desktop',
  ],
  [
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
    'Firefox 120',
    'Ubuntu',
    'desktop',
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
    'Safari 17',
    'macOS',
    'desktop',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'Safari 17',
    'iOS 17.4',
    'mobile',
  ],
  [
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
    'Safari 16',
    'iPadOS 16.6',
    'tablet',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.153 Mobile/15E148 Safari/604.1',
    'Chrome 126',
    'iOS 17.5',
    'mobile',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15',
    'Firefox 127',
    'iOS 17.5',
    'mobile',
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36',
    'Chrome 131',
    'Android 14',
    'mobile',
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
    'Samsung Internet 23',
    'Android 13',
    'mobile',
  ],
  [
    'Mozilla/5.0 (Linux; Android 12; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Chrome 120',
    'Android 12',
    'tablet',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
    'Opera 115',
    'Windows 10/11',
    'desktop',
  ],
  [
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Chrome 131',
    'ChromeOS',
    'desktop',
  ],
  [
    'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
    'Internet Explorer 11',
    'Windows 7',
    'desktop',
  ],
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
    'Headless Chrome 131',
    'Linux',
    'desktop',
  ],
  ['curl/8.5.0', 'curl 8', null, 'unknown'],
  ['', null, null, 'unknown'],
  ['definitely not a browser', null, null, 'unknown'],
]

describe('parseUserAgent', () => {
  it.each(CASES)('%s → %s on %s (%s)', (ua, browser, os, device) => {
    const info = parseUserAgent(ua)
    expect(info).toEqual({
      browser,
      os,
      device,
      label: browser && os ? `${browser} on ${os}` : (browser ?? os ?? 'Unknown device'),
    })
  })

  it('treats non-strings as an absent header', () => {
    for (const value of [undefined, null, 42, {}, ['Chrome/1'], Symbol('x')]) {
      expect(parseUserAgent(value)).toEqual({
        browser: null,
        os: null,
        device: 'unknown',
        label: 'Unknown device',
      })
    }
  })

  // Any UTF-16 code unit, plus the fragments the patterns look for, so matches get close.
  const fragments = fc.constantFrom(
    'Chrome/',
    'Edg/',
    'Version/',
    ' Safari/',
    'Firefox/',
    'Windows NT ',
    'iPhone',
    ' OS ',
    '_',
    'Android ',
    'Mobile',
    'Trident/7.0;',
    ' rv:',
    'Mac OS X',
    '(',
    ')',
    ';',
    '9',
    '.',
  )
  const hostile = fc
    .array(
      fc.oneof(
        fragments,
        fc.string({ maxLength: 20 }),
        fc.string({ unit: 'binary', maxLength: 5 }),
      ),
      {
        maxLength: 60,
      },
    )
    .map((parts) => parts.join(''))

  it('never throws and always answers a well-formed result (property)', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.string({ maxLength: 3000 }), fc.anything()), (ua) => {
        const info = parseUserAgent(ua)
        expect(['desktop', 'mobile', 'tablet', 'unknown']).toContain(info.device)
        for (const part of [info.browser, info.os]) {
          if (part !== null) expect(part).toMatch(/^[A-Za-z][A-Za-z ]*?(?: \d+(?:[./]\d+)?)?$/)
        }
        expect(info.label.length).toBeGreaterThan(0)
        expect(info.label.length).toBeLessThan(80)
      }),
      { numRuns: 3000 },
    )
  })

  it('reads a long hostile header without matching anything it should not', () => {
    const ua = `${'Trident/7.0; '.repeat(200)}${' OS 1_'.repeat(200)}${'Version/1.'.repeat(200)}`
    const info = parseUserAgent(ua)
    expect(info.browser).toBeNull()
  })
})
