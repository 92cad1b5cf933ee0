import {
  type AuthUser,
  type CsrfRequest,
  checkCsrf,
  generateJwtKey,
  JwtKeySet,
  login,
  maskCsrfSecret,
  resolveCsrfOptions,
  type Session,
  SessionManagement,
  SessionManager,
  type SessionRecord,
  type SessionStore,
} from '@tessera/core'
import { decodeJwt } from 'jose'
import { expect } from 'vitest'

/** How a store test reaches its store's raw storage (SQL row, Redis hash field, Map). */
export interface RawRecordAccess {
  /** Replaces the stored JSON of session `id` with `json`, bypassing the store's code. */
  write(id: string, json: string): Promise<void>
  /** The stored JSON of session `id`, as the store keeps it. */
  read(id: string): Promise<string>
}

const SECRET = 'legacy-record-test-secret-legacy-record-test'
/** A CSRF secret as `createCsrfSecret()` makes them: 32 ASCII letters and digits. */
export const LEGACY_CSRF_SECRET = 'LegacyCsrfSecret0123456789abcdef'
const LEGACY_CLAIMS = { username: 'ada-legacy', email: 'legacy@example.com' }
const ADA: AuthUser = { id: 'u1', username: 'ada', passwordHash: 'plain$ada-pw' }

/**
 * The JSON Tessera wrote for a logged-in session before its own state had record
 * fields: the CSRF secret, the login time and the JWT claims inside `data`, under
 * `_csrf`, `_auth_at` and `_jwt`, beside the app's keys, with the top-level keys in the
 * order `SessionManager` wrote them. Identity, credentials, times and version are those
 * of `current`, so the browser's cookie still opens it.
 */
export function legacyRecordJson(current: SessionRecord, authAt: number): string {
  return JSON.stringify({
    id: current.id,
    data: {
      cart: ['apple'],
      _jwt: LEGACY_CLAIMS,
      _auth_at: authAt,
      _csrf: LEGACY_CSRF_SECRET,
    },
    userId: current.userId,
    authHash: current.authHash,
    credentials: current.credentials,
    createdAt: current.createdAt,
    lastSeenAt: current.lastSeenAt,
    idleExpiresAt: current.idleExpiresAt,
    absoluteExpiresAt: current.absoluteExpiresAt,
    version: current.version,
    meta: current.meta,
  })
}

/**
 * Puts a record in the legacy shape ({@link legacyRecordJson}) into `store`
 * through its raw storage, then loads it through a `SessionManager` in the `jwt` format
 * and checks that the CSRF secret, the login time and the JWT claims still work, that
 * `keys()` no longer shows them, that the next save writes them as record fields (read
 * back raw), and that `clear()` keeps them.
 */
export async function checkLegacyRecordLoads(
  store: SessionStore,
  raw: RawRecordAccess,
  clock: () => number = Date.now,
): Promise<void> {
  const keys = await JwtKeySet.fromJson({ keys: [await generateJwtKey('EdDSA')] })
  const manager = new SessionManager({
    store,
    secret: SECRET,
    clock,
    format: 'jwt',
    jwt: { keys, issuer: 'https://app.test', audience: 'app', fields: ['username', 'email'] },
  })
  const management = new SessionManagement({
    store,
    clock,
    users: {
      findByUsername: async () => ADA,
      findById: async () => ADA,
      replacePasswordHash: async () => true,
    },
    hasher: { hash: async (p) => p, verify: async () => ({ valid: false, needsRehash: false }) },
  })
  const csrf = resolveCsrfOptions({})
  let cookie = ''
  const request = async (use: (s: Session) => Promise<void>) => {
    const session = manager.open({ cookie, secure: true })
    await use(session)
    const result = await manager.commit(session)
    const set = result.setCookie.find((c) => c.startsWith('sessionid='))
    if (set) cookie = set.split(';')[0] as string
  }
  // A token a page rendered from the legacy secret, before the upgrade.
  const post = (): CsrfRequest => ({
    method: 'POST',
    url: 'https://app.test/action',
    headers: new Headers({
      origin: 'https://app.test',
      'x-csrftoken': maskCsrfSecret(LEGACY_CSRF_SECRET),
    }),
    secure: true,
  })

  await request((s) => login(s, ADA))
  const id = (decodeJwt(cookie.slice('sessionid='.length)).sid as string).split('.')[0] as string
  const current = (await store.get(id)) as SessionRecord
  const authAt = clock() - 60_000
  await raw.write(id, legacyRecordJson(current, authAt))
  expect(JSON.parse(await raw.read(id)).data._csrf).toBe(LEGACY_CSRF_SECRET)

  await request(async (s) => {
    expect(await s.keys()).toEqual(['cart'])
    expect(await s.has('_csrf')).toBe(false)
    expect(await s.get('_jwt')).toBeUndefined()
    expect(await checkCsrf(post(), s, csrf)).toBeNull()
    expect(await management.isFresh(s)).toBe(true)
    await s.set('seen', true)
  })
  // The token re-issued on save carries the claims the legacy record held.
  expect(decodeJwt(cookie.slice('sessionid='.length))).toMatchObject(LEGACY_CLAIMS)
  const upgraded = JSON.parse(await raw.read(id)) as SessionRecord
  expect(upgraded.data).toEqual({ cart: ['apple'], seen: true })
  expect(upgraded).toMatchObject({
    csrfSecret: LEGACY_CSRF_SECRET,
    authenticatedAt: authAt,
    jwtClaims: LEGACY_CLAIMS,
  })

  await request((s) => s.clear())
  await request(async (s) => {
    expect(await s.getUserId()).toBe('u1')
    expect(await s.keys()).toEqual([])
    expect(await checkCsrf(post(), s, csrf)).toBeNull()
    expect(await management.isFresh(s)).toBe(true)
    await s.set('after', 'clear')
  })
  expect(decodeJwt(cookie.slice('sessionid='.length))).toMatchObject(LEGACY_CLAIMS)
}
