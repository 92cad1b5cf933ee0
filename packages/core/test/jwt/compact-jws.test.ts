import { createSessionJwtVerifier, type JwtAlgorithm, JwtKeySet } from '@tessera/core'
import fc from 'fast-check'
import { CompactSign, compactVerify, type JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { keyPair } from '../support/jwt-keys.js'

const ISSUER = 'https://app.test'
const TYP = 'tessera-session+jwt'
const encoder = new TextEncoder()

// The core reads compact JWS itself (strict base64url) and checks signatures with Web
// Crypto; jose stays the reference every other service verifies with. What Tessera
// accepts, jose must accept; what jose accepts in canonical form, Tessera must accept.
describe.each<Exclude<JwtAlgorithm, 'HS256'>>(['EdDSA', 'ES256', 'RS256', 'PS256'])(
  'compact JWS %s, checked against jose',
  (alg) => {
    let token: string
    let publicKey: CryptoKey
    let privateKey: CryptoKey
    let verify: (token: string) => Promise<unknown>

    beforeAll(async () => {
      const pair = await keyPair(alg, `${alg}-1`)
      ;({ publicKey, privateKey } = pair)
      const keys = await JwtKeySet.fromJson({ keys: [pair.publicJwk as JWK] })
      verify = createSessionJwtVerifier({ keys, issuer: ISSUER, audience: ISSUER })
      const now = Math.floor(Date.now() / 1000)
      const claims = { iss: ISSUER, aud: ISSUER, iat: now, exp: now + 300, sid: 'id.secret' }
      token = await new CompactSign(encoder.encode(JSON.stringify(claims)))
        .setProtectedHeader({ alg, kid: `${alg}-1`, typ: TYP })
        .sign(privateKey)
    })

    async function joseAccepts(t: string): Promise<boolean> {
      try {
        await compactVerify(t, publicKey, { algorithms: [alg] })
        return true
      } catch {
        return false
      }
    }

    it('a token jose signed verifies, and no mutation of it passes', async () => {
      expect(await verify(token)).not.toBeNull()
      const mutated = fc
        .tuple(
          fc.nat({ max: token.length - 1 }),
          fc.constantFrom(...'A_-.x=Z9+/ \t'),
          fc.constantFrom('replace', 'insert', 'delete'),
        )
        .map(([i, ch, how]) =>
          how === 'replace'
            ? token.slice(0, i) + ch + token.slice(i + 1)
            : how === 'insert'
              ? token.slice(0, i) + ch + token.slice(i)
              : token.slice(0, i) + token.slice(i + 1),
        )
        .filter((t) => t !== token)
      await fc.assert(
        fc.asyncProperty(mutated, async (t) => {
          const accepted = (await verify(t)) !== null
          // Never more than jose; and jose's extra acceptances are other spellings only.
          if (accepted) expect(await joseAccepts(t)).toBe(true)
          expect(accepted).toBe(false)
        }),
        { numRuns: alg === 'EdDSA' ? 500 : 150 },
      )
    })

    it('a token jose signs with random claims and typ verifies exactly when they are valid', async () => {
      const now = Math.floor(Date.now() / 1000)
      const claims = fc.record(
        {
          iss: fc.constantFrom(ISSUER, 'https://evil.test'),
          aud: fc.constantFrom(ISSUER, [ISSUER, 'x'], 'x'),
          iat: fc.constantFrom(now, now + 3600, '1'),
          exp: fc.constantFrom(now + 300, now - 3600, null),
          sid: fc.constantFrom('id.secret', 7),
          extra: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: ['iss', 'aud', 'iat', 'exp'] },
      )
      const typ = fc.constantFrom(TYP, `application/${TYP}`, 'JWT')
      await fc.assert(
        fc.asyncProperty(claims, typ, async (c, t) => {
          const signed = await new CompactSign(encoder.encode(JSON.stringify(c)))
            .setProtectedHeader({ alg, kid: `${alg}-1`, typ: t })
            .sign(privateKey)
          const valid =
            c.iss === ISSUER &&
            (c.aud === ISSUER || Array.isArray(c.aud)) &&
            c.iat === now &&
            c.exp === now + 300 &&
            c.sid === 'id.secret' &&
            t !== 'JWT'
          expect((await verify(signed)) !== null).toBe(valid)
        }),
        { numRuns: alg === 'EdDSA' ? 200 : 40 },
      )
    })
  },
)
