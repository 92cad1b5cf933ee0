import {
  getCsrfToken,
  MemoryStore,
  pendingCsrfCookie,
  resolveCsrfOptions,
  SessionManager,
} from '@tessera/core'
import { applyCommit, headersFromRecord, writeSessionHeaders } from '@tessera/core/adapter'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const SECRET = 'write-session-headers-secret-0123456789'
const commit = (over: Partial<{ setCookie: string[]; vary: boolean; noStore: boolean }>) => ({
  setCookie: [],
  vary: false,
  noStore: false,
  ...over,
})

describe('writeSessionHeaders', () => {
  it('writes nothing when nothing is owed', () => {
    const headers = new Headers({ 'x-a': '1' })
    writeSessionHeaders(headers, { commit: commit({}) })
    writeSessionHeaders(headers, {})
    expect([...headers]).toEqual([['x-a', '1']])
  })

  it('appends every Set-Cookie as its own value, the CSRF cookie last, and marks no-store', () => {
    const headers = new Headers({ 'set-cookie': 'theirs=1' })
    writeSessionHeaders(headers, {
      commit: commit({ setCookie: ['sessionid=a', 'other=b'] }),
      csrfCookie: 'csrftoken=t; Path=/',
    })
    expect(headers.getSetCookie()).toEqual([
      'theirs=1',
      'sessionid=a',
      'other=b',
      'csrftoken=t; Path=/',
    ])
    expect(headers.get('cache-control')).toBe('no-store')
  })

  it.each([
    [null, 'Cookie'],
    ['Accept', 'Accept, Cookie'],
    ['accept, cookie', 'accept, cookie'],
    ['*', '*'],
    ['Cookies', 'Cookies, Cookie'],
  ])('merges Vary %s into %s', (before, after) => {
    const headers = new Headers(before === null ? {} : { vary: before })
    writeSessionHeaders(headers, { commit: commit({ vary: true }) })
    expect(headers.get('vary')).toBe(after)
  })

  it('is what applyCommit writes', () => {
    const result = commit({ setCookie: ['sessionid=a'], vary: true, noStore: true })
    const a = new Headers({ vary: 'Accept' })
    const b = new Headers({ vary: 'Accept' })
    applyCommit(a, result)
    writeSessionHeaders(b, { commit: result })
    expect([...a]).toEqual([...b])
  })
})

describe('pendingCsrfCookie', () => {
  it('is the csrftoken Set-Cookie once after getCsrfToken, then undefined', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const session = manager.open({ cookie: undefined, secure: false })
    const options = resolveCsrfOptions({})
    expect(pendingCsrfCookie(session, false, options)).toBeUndefined()
    await getCsrfToken(session)
    // A freshly masked token of the same secret: never HttpOnly, Secure on HTTPS.
    expect(pendingCsrfCookie(session, true, options)).toMatch(
      /^csrftoken=[a-zA-Z0-9]{64}; Max-Age=31449600; Path=\/; Expires=[^;]+; Secure; SameSite=Lax$/,
    )
    expect(pendingCsrfCookie(session, true, options)).toBeUndefined()
  })
})

describe('headersFromRecord', () => {
  it('keeps single and repeated values as Node reports them', () => {
    const headers = headersFromRecord({
      origin: 'https://a.test',
      'x-many': ['1', '2'],
      none: undefined,
    })
    expect(headers.get('origin')).toBe('https://a.test')
    expect(headers.get('x-many')).toBe('1, 2')
    expect(headers.has('none')).toBe(false)
  })

  it('never throws on hostile names or values; what it keeps is unchanged (fast-check)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 })
    fc.assert(
      fc.property(
        fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 }))),
        (record) => {
          const headers = headersFromRecord(record)
          for (const [name, value] of headers) {
            expect(typeof name).toBe('string')
            expect(typeof value).toBe('string')
          }
        },
      ),
      { numRuns: 2000 },
    )
  })
})
