import { createHash } from 'node:crypto'
import {
  ArgumentError,
  type CsrfRequest,
  checkCsrf,
  getCsrfToken,
  login,
  MemoryStore,
  maskCsrfSecret,
  resolveCsrfOptions,
  type SessionData,
  SessionManagement,
} from '@tessera/core'
import { makeRecord } from '@tessera/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkLegacyRecordLoads,
  LEGACY_CSRF_SECRET,
} from '../../../../test-support/legacy-session-record.js'
import { cookieFrom, harness, request, T0 } from '../support/harness.js'

const ADA = { id: 'u1', username: 'ada', passwordHash: 'plain$ada-pw' }
const csrf = resolveCsrfOptions({})

function post(token: string): CsrfRequest {
  return {
    method: 'POST',
    url: 'http://app.test/action',
    headers: new Headers({ origin: 'http://app.test', 'x-csrftoken': token }),
    secure: false,
  }
}

function managementOf(h: ReturnType<typeof harness>) {
  return new SessionManagement({
    store: h.store,
    clock: h.clock.now,
    users: {
      findByUsername: async () => ADA,
      findById: async () => ADA,
      replacePasswordHash: async () => true,
    },
    hasher: { hash: async (p) => p, verify: async () => ({ valid: false, needsRehash: false }) },
  })
}

describe('Tessera’s own state is not session data', () => {
  it('clear() after login keeps the CSRF token and the fresh login working', async () => {
    const h = harness()
    const management = managementOf(h)
    let token = ''
    const cookie = cookieFrom(
      await request(h.manager, undefined, async (s) => {
        await s.set('cart', ['apple'])
        await login(s, ADA)
        token = await getCsrfToken(s)
      }),
    )
    await request(h.manager, cookie, (s) => s.clear())
    await request(h.manager, cookie, async (s) => {
      expect(await s.getUserId()).toBe('u1')
      expect(await s.keys()).toEqual([])
      expect(await checkCsrf(post(token), s, csrf)).toBeNull()
      expect(await management.isFresh(s)).toBe(true)
    })
  })

  it('keys(), data(), has() and get() never show the CSRF secret, login time or JWT claims', async () => {
    const h = harness()
    const cookie = cookieFrom(
      await request(h.manager, undefined, async (s) => {
        await login(s, ADA)
        await getCsrfToken(s)
        await s.set('theme', 'dark')
      }),
    )
    await request(h.manager, cookie, async (s) => {
      expect(await s.keys()).toEqual(['theme'])
      expect({ ...(await s.data()) }).toEqual({ theme: 'dark' })
      for (const key of ['_csrf', '_auth_at', '_jwt']) {
        expect(await s.has(key)).toBe(false)
        expect(await s.get(key)).toBeUndefined()
      }
    })
    const [record] = await h.store.listByUser('u1')
    expect(record?.data).toEqual({ theme: 'dark' })
    expect(record?.csrfSecret).toMatch(/^[a-zA-Z0-9]{32}$/)
    expect(record?.authenticatedAt).toBe(T0)
  })

  it('set() refuses the keys where earlier versions kept that state', async () => {
    const { manager } = harness()
    const session = manager.open({ cookie: undefined, secure: false })
    for (const key of ['_csrf', '_auth_at', '_jwt']) {
      await expect(session.set(key, 'planted')).rejects.toThrow(ArgumentError)
    }
    expect(session.modified).toBe(false)
  })

  it('an anonymous session emptied by clear() hands its CSRF secret back to the signed cookie', async () => {
    const h = harness()
    let token = ''
    const first = await request(h.manager, undefined, async (s) => {
      await s.set('cart', ['apple'])
      token = await getCsrfToken(s)
    })
    const cookie = cookieFrom(first)
    const cleared = await request(h.manager, cookie, (s) => s.clear())
    // The row is gone and the session cookie cleared; the secret went back to its cookie.
    expect(cleared.setCookie.some((c) => /^sessionid=;.*Max-Age=0/.test(c))).toBe(true)
    const csrfCookie = cookieFrom(cleared, 'sessionid_csrf')
    expect(await h.store.get(cookie.slice('sessionid='.length).split('.')[0] as string)).toBeNull()
    await request(h.manager, csrfCookie, async (s) => {
      expect(await checkCsrf(post(token), s, csrf)).toBeNull()
      expect(await s.isEmpty()).toBe(true)
    })
  })
})

describe('a session emptied before it is first stored', () => {
  it('keeps the CSRF secret it handed out in the signed cookie', async () => {
    const h = harness()
    let token = ''
    const result = await request(h.manager, undefined, async (s) => {
      await s.set('cart', ['apple'])
      token = await getCsrfToken(s)
      await s.delete('cart')
    })
    expect(result.setCookie.some((c) => c.startsWith('sessionid='))).toBe(false)
    const csrfCookie = cookieFrom(result, 'sessionid_csrf')
    await request(h.manager, csrfCookie, async (s) => {
      expect(await checkCsrf(post(token), s, csrf)).toBeNull()
    })
  })
})

describe('records written before the state had fields of its own', () => {
  it('load from the memory store: CSRF, freshness and JWT claims work, keys() hides them, the next save writes fields', async () => {
    const store = new MemoryStore()
    await checkLegacyRecordLoads(store, {
      write: async (id, json) => {
        // The memory store's "raw storage" is the record itself: replace it whole.
        await store.delete(id)
        expect(await store.create(JSON.parse(json))).toBe(true)
      },
      read: async (id) => JSON.stringify(await store.get(id)),
    })
  })

  it('any legacy data loads without throwing; the reserved keys never surface and the others stay', async () => {
    const reserved = fc.constantFrom('_csrf', '_auth_at', '_jwt')
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.dictionary(reserved, fc.jsonValue()),
        async (appData, legacy) => {
          const { manager, store } = harness()
          const record = makeRecord(
            { data: { ...appData, ...legacy } as SessionData, userId: 'u1' },
            T0,
          )
          const secret = 'A'.repeat(43)
          record.credentials = { cookie: createHash('sha256').update(secret).digest('base64url') }
          await store.create(record)
          const session = manager.open({
            cookie: `sessionid=${record.id}.${secret}`,
            secure: false,
          })
          const keys = await session.keys()
          expect(keys.sort()).toEqual(
            Object.keys(appData)
              .filter((k) => !['_csrf', '_auth_at', '_jwt'].includes(k))
              .sort(),
          )
          // A well-formed legacy secret still checks tokens; anything else is dropped.
          const token = maskCsrfSecret(LEGACY_CSRF_SECRET)
          const passes = (await checkCsrf(post(token), session, csrf)) === null
          expect(passes).toBe(legacy._csrf === LEGACY_CSRF_SECRET)
          await manager.commit(session)
        },
      ),
      { numRuns: 300, examples: [[{ cart: [1] }, { _csrf: LEGACY_CSRF_SECRET }]] },
    )
  })
})
