import {
  type CommitResult,
  createSessionJwtVerifier,
  JwtKeySet,
  login,
  logout,
  MemoryStore,
  SessionManager,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { decodeProtectedHeader, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { SECRET, T0 } from '../support/harness.js'
import { keyPair } from '../support/jwt-keys.js'

// The app's own reading of its session JWT (the manager, with its acceptExpired window
// and its verified-token cache), where jwt-session.test.ts and compact-jws.test.ts cover
// the format and the store-less verifier: key rotation, claims, a stolen token after logout.

const ada = { id: 'u1', username: 'ada', passwordHash: 'x' }
const jwtOf = (r: CommitResult) =>
  r.setCookie
    .find((c) => c.startsWith('sessionid='))
    ?.split(';')[0]
    ?.slice('sessionid='.length) || undefined

function managerWith(
  keys: JwtKeySet,
  clock: ManualClock,
  store = new MemoryStore({ clock: clock.now }),
) {
  const jwt = { keys, issuer: 'https://app.test', audience: 'fed', ttl: 300 }
  return {
    store,
    manager: new SessionManager({ store, secret: SECRET, clock: clock.now, format: 'jwt', jwt }),
    verify: createSessionJwtVerifier({ ...jwt, clock: clock.now }),
  }
}

async function loggedIn(manager: SessionManager): Promise<string> {
  const s = manager.open({ cookie: undefined, secure: true })
  await login(s, ada)
  return jwtOf(await manager.commit(s)) as string
}

/** What the app makes of `jwt`: the session's user, and the commit's answer. */
async function read(manager: SessionManager, jwt: string) {
  const s = manager.open({ cookie: `sessionid=${jwt}`, secure: true })
  const id = await s.getUserId()
  return { id, result: await manager.commit(s) }
}

describe('the app reading its session JWT', () => {
  it('a retired key: accepted and re-signed with the current key within grace; refused past it, even once cached', async () => {
    const clock = new ManualClock(T0)
    const old = await keyPair('EdDSA', 'old')
    const cur = await keyPair('EdDSA', 'cur')
    const before = managerWith(await JwtKeySet.fromJson({ keys: [old.privateJwk] }), clock)
    const oldJwt = await loggedIn(before.manager)
    const rotated = await JwtKeySet.fromJson(
      { keys: [cur.privateJwk, { ...old.privateJwk, retiredAt: T0 / 1000 }] },
      { grace: 600 },
    )
    const after = managerWith(rotated, clock, before.store)
    clock.advance(10_000)
    const within = await read(after.manager, oldJwt) // verified, and now cached
    expect(within.id).toBe('u1')
    expect(decodeProtectedHeader(jwtOf(within.result) as string).kid).toBe('cur')
    clock.advance(600_000)
    expect((await read(after.manager, oldJwt)).id).toBeNull()
    expect(await after.verify(oldJwt)).toBeNull()
  })

  it('refuses future iat or nbf, a missing or non-numeric exp, another iss, aud or typ', async () => {
    const clock = new ManualClock(T0)
    const pair = await keyPair('EdDSA', 'k')
    const { manager } = managerWith(await JwtKeySet.fromJson({ keys: [pair.privateJwk] }), clock)
    const good = await loggedIn(manager)
    const claims = JSON.parse(Buffer.from(good.split('.')[1] as string, 'base64url').toString())
    const sign = (c: Record<string, unknown>, typ = 'tessera-session+jwt') =>
      new SignJWT(c).setProtectedHeader({ alg: 'EdDSA', kid: 'k', typ }).sign(pair.privateKey)
    const now = T0 / 1000
    for (const bad of [
      { ...claims, iat: now + 120 },
      { ...claims, nbf: now + 120 },
      { ...claims, exp: undefined },
      { ...claims, exp: String(now + 300) },
      { ...claims, iss: 'https://evil.test' },
      { ...claims, aud: 'other' },
    ]) {
      expect((await read(manager, await sign(bad))).id).toBeNull()
    }
    expect((await read(manager, await sign(claims, 'JWT'))).id).toBeNull()
    expect((await read(manager, await sign(claims))).id).toBe('u1')
  })

  it('an expired copy within acceptExpired is renewed while the session lives, and dead after logout', async () => {
    const clock = new ManualClock(T0)
    const pair = await keyPair('EdDSA', 'k')
    const { manager } = managerWith(await JwtKeySet.fromJson({ keys: [pair.privateJwk] }), clock)
    const copy = await loggedIn(manager)
    clock.advance(900_000)
    const renewed = await read(manager, copy)
    expect(renewed.id).toBe('u1')
    const l = manager.open({ cookie: `sessionid=${jwtOf(renewed.result)}`, secure: true })
    await logout(l)
    await manager.commit(l)
    const after = await read(manager, copy)
    expect(after.id).toBeNull()
    expect(jwtOf(after.result)).toBeUndefined()
  })
})
