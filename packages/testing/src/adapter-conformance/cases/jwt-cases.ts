import { generateJwtKey, JwtKeySet, MemoryStore } from '@tessera/core'
import fc from 'fast-check'
import { base64url, createLocalJWKSet, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  type AdapterSuiteContext,
  JWT_AUDIENCE,
  JWT_ISSUER,
  parseSetCookie,
  sessionCookie,
  sessionSetCookies,
} from '../suite-context.js'

/** Flips one character of the signature (never the last, whose low bits may be unused). */
function tamper(token: string): string {
  const i = token.lastIndexOf('.') + 5
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)
}

/** The `jwt` session format: the cookie is a JWS the adapter's JWKS route verifies. */
export function jwtCases(ctx: AdapterSuiteContext): void {
  describe('JWT session cookies', () => {
    let keys: JwtKeySet
    let rotated: JwtKeySet
    beforeAll(async () => {
      const first = await generateJwtKey('EdDSA', { kid: 'conformance-1' })
      keys = await JwtKeySet.fromJson({ keys: [first] })
      const { d: _d, ...firstPublic } = first
      // The next key signs; the first one is retired now and verifies during its grace.
      rotated = await JwtKeySet.fromJson({
        keys: [
          await generateJwtKey('EdDSA', { kid: 'conformance-2' }),
          { ...firstPublic, retiredAt: Math.floor(Date.now() / 1000) },
        ],
      })
    })

    it('GET /.well-known/jwks.json serves only public keys, as cacheable JSON', async () => {
      const { send } = await ctx.open({ jwt: { keys } })
      const res = await send('/.well-known/jwks.json')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(res.headers.get('cache-control')).toBe('public, max-age=300')
      expect(res.headers.getSetCookie()).toEqual([])
      const body = (await res.json()) as { keys: Record<string, string>[] }
      expect(body.keys).toHaveLength(1)
      expect(Object.keys(body.keys[0] as object).sort()).toEqual([
        'alg',
        'crv',
        'kid',
        'kty',
        'use',
        'x',
      ])
    })

    it('the session cookie is a JWS that verifies with the JWKS the adapter serves', async () => {
      const { send } = await ctx.open({ jwt: { keys } })
      const res = await send('/set/theme', { json: 'dark' })
      expect(res.status).toBe(200)
      const cookie = parseSetCookie(sessionSetCookies(res)[0] as string)
      expect(cookie.attributes.has('httponly')).toBe(true)
      const jwks = (await (await send('/.well-known/jwks.json')).json()) as never
      const { payload, protectedHeader } = await jwtVerify(cookie.value, createLocalJWKSet(jwks), {
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        typ: 'tessera-session+jwt',
      })
      expect(protectedHeader.kid).toBe('conformance-1')
      expect(payload.sid).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
      const read = await send('/get/theme', { cookie: `sessionid=${cookie.value}` })
      expect(await read.json()).toEqual({ value: 'dark' })
      expect(sessionSetCookies(read)).toEqual([])
    })

    it('a changed session re-issues the JWT; after a key rotation the next request carries the new kid', async () => {
      const store = new MemoryStore()
      const before = await ctx.open({ store, jwt: { keys } })
      const cookie = sessionCookie(await before.send('/set/a', { json: 1 }))
      // Re-sent on change (identical within the same second: Ed25519 is deterministic).
      const changed = await before.send('/set/b', { cookie, json: 2 })
      expect(sessionSetCookies(changed)).toHaveLength(1)
      // The same store behind an app whose key set was rotated.
      const after = await ctx.open({ store, jwt: { keys: rotated } })
      const res = await after.send('/get/a', { cookie })
      expect(await res.json()).toEqual({ value: 1 })
      const reissued = sessionCookie(res).slice('sessionid='.length)
      const jwks = (await (await after.send('/.well-known/jwks.json')).json()) as {
        keys: { kid: string }[]
      }
      expect(jwks.keys.map((k) => k.kid)).toEqual(['conformance-2', 'conformance-1'])
      const { protectedHeader } = await jwtVerify(reissued, createLocalJWKSet(jwks as never), {
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      })
      expect(protectedHeader.kid).toBe('conformance-2')
    })

    it('logout kills a JWT that has not expired', async () => {
      const { send } = await ctx.open({ jwt: { keys } })
      const cookie = sessionCookie(await send('/set/a', { json: 1 }))
      expect(await (await send('/get/a', { cookie })).json()).toEqual({ value: 1 })
      const flushed = await send('/flush', { method: 'POST', cookie })
      expect(
        parseSetCookie(sessionSetCookies(flushed)[0] as string).attributes.get('max-age'),
      ).toBe('0')
      const replay = await send('/get/a', { cookie })
      expect(replay.status).toBe(200)
      expect(await replay.json()).toEqual({ value: null })
    })

    it('a tampered, truncated or unsigned JWT gives an anonymous session, never a 5xx', async () => {
      const { send } = await ctx.open({ jwt: { keys } })
      const token = sessionCookie(await send('/set/a', { json: 1 })).slice('sessionid='.length)
      const [h, p] = token.split('.') as [string, string]
      const none = `${base64url.encode('{"alg":"none","typ":"tessera-session+jwt"}')}.${p}.`
      for (const bad of [tamper(token), token.slice(0, -10), `${h}.${p}.`, none, `${token}x`]) {
        const res = await send('/get/a', { cookie: `sessionid=${bad}` })
        expect(res.status).toBe(200)
        expect(await res.json()).toEqual({ value: null })
        // The dead cookie is cleared, and nothing was created.
        expect(parseSetCookie(sessionSetCookies(res)[0] as string).attributes.get('max-age')).toBe(
          '0',
        )
      }
    })

    it('random and mutated JWT cookies never give a 5xx (fast-check)', async () => {
      const { send } = await ctx.open({ jwt: { keys } })
      const token = sessionCookie(await send('/set/a', { json: 1 })).slice('sessionid='.length)
      const [h, , sig] = token.split('.') as [string, string, string]
      const json = fc.jsonValue({ maxDepth: 2 })
      const segment = (value: unknown) => base64url.encode(JSON.stringify(value))
      const jwtish = fc.oneof(
        fc
          .tuple(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'A_-.x='))
          .map(([i, c]) => token.slice(0, i) + c + token.slice(i + 1)),
        fc.nat({ max: token.length }).map((i) => token.slice(0, i)),
        fc.tuple(json, json).map(([a, b]) => `${segment(a)}.${segment(b)}.${sig}`),
        json.map((b) => `${h}.${segment(b)}.${sig}`),
        fc.string({ unit: fc.constantFrom(...'eyJ0A_-.'), maxLength: 120 }),
      )
      const paths = fc.constantFrom('/get/a', '/data', '/csrf-token')
      await fc.assert(
        fc.asyncProperty(jwtish, paths, async (t, path) => {
          const res = await send(path, { cookie: `sessionid=${t}` })
          expect(res.status).toBeLessThan(500)
          await res.arrayBuffer()
        }),
        { numRuns: Math.max(50, Math.floor(ctx.hostileRuns / 4)) },
      )
    })
  })
}
