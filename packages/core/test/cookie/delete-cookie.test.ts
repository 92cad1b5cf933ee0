import { describe, expect, it } from 'vitest'
import { type CookieAttributes, deleteCookie, parseCookieHeader } from '../../src/cookie/index.js'
import { CookieError } from '../../src/errors.js'

const EPOCH = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'

describe('deleteCookie', () => {
  it('clears with an empty value, Max-Age=0 and an Expires in 1970', () => {
    expect(deleteCookie('sid')).toBe(`sid=; Max-Age=0; ${EPOCH}`)
  })

  it('keeps Domain, Path, Secure, SameSite and Partitioned so the browser matches the cookie', () => {
    expect(
      deleteCookie('sid', {
        domain: 'example.com',
        path: '/app',
        secure: true,
        httpOnly: true,
        sameSite: 'None',
        partitioned: true,
      }),
    ).toBe(
      `sid=; Max-Age=0; Domain=example.com; Path=/app; ${EPOCH}; HttpOnly; Secure; SameSite=None; Partitioned`,
    )
  })

  it('replaces any maxAge or expires it is given', () => {
    expect(deleteCookie('sid', { maxAge: 3600, expires: new Date(Date.UTC(2030, 0, 1)) })).toBe(
      `sid=; Max-Age=0; ${EPOCH}`,
    )
  })

  it('applies the prefix rules', () => {
    expect(deleteCookie('__Host-sid', { path: '/', secure: true })).toBe(
      `__Host-sid=; Max-Age=0; Path=/; ${EPOCH}; Secure`,
    )
    for (const attributes of [
      {},
      { path: '/' },
      { secure: true },
      { path: '/', secure: true, domain: 'example.com' },
    ] satisfies CookieAttributes[]) {
      expect(() => deleteCookie('__hOsT-sid', attributes)).toThrow(CookieError)
    }
    expect(() => deleteCookie('__Secure-sid')).toThrow(CookieError)
  })

  it('refuses what serializeCookie refuses', () => {
    for (const run of [
      () => deleteCookie('a b'),
      () => deleteCookie('sid', { path: '/\r\nx' }),
      () => deleteCookie('sid', { sameSite: 'None' }),
      () => deleteCookie('sid', 'path=/' as unknown as CookieAttributes),
    ]) {
      expect(run).toThrow(CookieError)
    }
  })

  it('produces a cookie that reads back as empty', () => {
    const [pair] = deleteCookie('sid').split('; ')
    expect(parseCookieHeader(pair).get('sid')).toBe('')
  })
})
