import { statSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JwtKeySet, login, MemoryStore, SessionManager } from '@tessera/core'
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  importJWK,
  importSPKI,
  type JWK,
  jwtVerify,
} from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lines, tessera } from './support/run-tessera.js'
import { SECRET } from './support/seed.js'

const ISSUER = 'https://app.test'
const ALGS = ['EdDSA', 'ES256', 'RS256'] as const
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cli-keys-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const json = async (path: string) => JSON.parse(await readFile(path, 'utf8'))
const mode = (path: string) => statSync(path).mode & 0o777

/** A session JWT issued by the library's JWT format with `keys`, for a logged-in user. */
async function libraryJwt(keys: JwtKeySet): Promise<string> {
  const manager = new SessionManager({
    store: new MemoryStore(),
    secret: SECRET,
    format: 'jwt',
    jwt: { keys, issuer: ISSUER, audience: ISSUER, fields: ['username'] },
  })
  const session = manager.open({ cookie: undefined, secure: false })
  await login(session, { id: 'u1', username: 'ada', passwordHash: 'x' })
  const { setCookie } = await manager.commit(session)
  const cookie = setCookie.find((c) => c.startsWith('sessionid=')) as string
  return (cookie.split(';')[0] as string).slice('sessionid='.length)
}

const verifyOptions = { issuer: ISSUER, audience: ISSUER, typ: 'tessera-session+jwt' }

describe('tessera keys (the real binary) with the library’s JWT sessions', () => {
  it.each(ALGS)(
    'keys generate --alg %s: a key set file the library signs with; the public JWKS verifies its JWT',
    async (alg) => {
      const out = join(dir, `${alg}.json`)
      const run = await tessera(['keys', 'generate', '--alg', alg, '--out', out])
      expect(run.code).toBe(0)
      const set = await json(out)
      const pub = await json(join(dir, `${alg}.pub.json`))
      const [key] = set.keys as JWK[]
      expect(set.keys).toHaveLength(1)
      expect(key).toMatchObject({ alg, use: 'sig', kid: expect.any(String), d: expect.any(String) })
      // The kid is the RFC 7638 thumbprint; the public file holds no private member.
      expect(key?.kid).toBe(await calculateJwkThumbprint(pub.keys[0], 'sha256'))
      expect(pub.keys).toHaveLength(1)
      expect(
        Object.keys(pub.keys[0]).filter((k) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(k)),
      ).toEqual([])
      expect(mode(out)).toBe(0o600)
      expect(mode(join(dir, `${alg}.pub.json`))).toBe(0o600)
      expect(run.stdout).toBe(
        `generated ${alg} key ${key?.kid}: wrote ${out} (private, keyset) and ${join(dir, `${alg}.pub.json`)} (public, keyset)\n`,
      )
      expect(run.stdout).not.toContain(key?.d as string)

      const token = await libraryJwt(await JwtKeySet.fromJson(set))
      expect(decodeProtectedHeader(token)).toMatchObject({ alg, kid: key?.kid })
      const { payload } = await jwtVerify(token, createLocalJWKSet(pub), verifyOptions)
      expect(payload).toMatchObject({ sub: 'u1', username: 'ada', iss: ISSUER })
    },
  )

  it.each(ALGS)(
    'keys generate --alg %s --format pem and --format jwk: the public PEM or JWK alone verifies the library’s JWT',
    async (alg) => {
      const pemOut = join(dir, `${alg}-signing.pem`)
      const pemRun = await tessera([
        'keys',
        'generate',
        '--alg',
        alg,
        '--format',
        'pem',
        '--out',
        pemOut,
        '--kid',
        `${alg}-2026`,
      ])
      expect(pemRun.code).toBe(0)
      const privatePem = await readFile(pemOut, 'utf8')
      const publicPem = await readFile(join(dir, `${alg}-signing.pub.pem`), 'utf8')
      expect(privatePem).toMatch(
        /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/,
      )
      expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/)
      expect(mode(pemOut)).toBe(0o600)
      const fromPem = await libraryJwt(
        await JwtKeySet.create([{ key: privatePem, alg, kid: `${alg}-2026` }]),
      )
      expect(decodeProtectedHeader(fromPem).kid).toBe(`${alg}-2026`)
      await expect(
        jwtVerify(fromPem, await importSPKI(publicPem, alg), verifyOptions),
      ).resolves.toBeTruthy()

      const jwkOut = join(dir, `${alg}-key.jwk`)
      const jwkRun = await tessera([
        'keys',
        'generate',
        '--alg',
        alg,
        '--format',
        'jwk',
        '--out',
        jwkOut,
        '--public-out',
        join(dir, `${alg}-public.jwk`),
      ])
      expect(jwkRun.code).toBe(0)
      const privateJwk = await json(jwkOut)
      const publicJwk = await json(join(dir, `${alg}-public.jwk`))
      expect(publicJwk.d).toBeUndefined()
      const fromJwk = await libraryJwt(await JwtKeySet.create([{ key: privateJwk }]))
      await expect(
        jwtVerify(fromJwk, await importJWK(publicJwk, alg), verifyOptions),
      ).resolves.toBeTruthy()
      // A key pair never verifies another pair's tokens.
      await expect(
        jwtVerify(fromPem, await importJWK(publicJwk, alg), verifyOptions),
      ).rejects.toThrow()
    },
  )

  it('keys rotate: new current key first, the old one stamped retiredAt; the rotated public JWKS verifies old and new JWTs', async () => {
    const file = join(dir, 'rotate.json')
    expect(
      (await tessera(['keys', 'generate', '--alg', 'EdDSA', '--out', file, '--kid', 'k1'])).code,
    ).toBe(0)
    const oldToken = await libraryJwt(await JwtKeySet.fromJson(await json(file)))

    const before = Math.floor(Date.now() / 1000)
    const jwks = join(dir, 'jwks.json')
    const run = await tessera([
      'keys',
      'rotate',
      '--file',
      file,
      '--public-out',
      jwks,
      '--kid',
      'k2',
    ])
    const after = Math.floor(Date.now() / 1000)
    expect(run.code).toBe(0)
    const rotated = await json(file)
    expect(rotated.keys.map((k: JWK) => k.kid)).toEqual(['k2', 'k1'])
    expect(rotated.keys[0]).toMatchObject({ alg: 'EdDSA', use: 'sig', d: expect.any(String) })
    expect(rotated.keys[0].retiredAt).toBeUndefined()
    expect(rotated.keys[1].retiredAt).toBeGreaterThanOrEqual(before)
    expect(rotated.keys[1].retiredAt).toBeLessThanOrEqual(after)
    expect(mode(file)).toBe(0o600)
    expect(run.stdout).toBe(
      `rotated ${file}: EdDSA key k2 now signs; k1 retired at ${rotated.keys[1].retiredAt}; 2 keys in the set\n`,
    )

    const newToken = await libraryJwt(await JwtKeySet.fromJson(rotated))
    expect(decodeProtectedHeader(newToken).kid).toBe('k2')
    const publicSet = await json(jwks)
    expect(publicSet.keys.map((k: JWK) => [k.kid, k.d])).toEqual([
      ['k2', undefined],
      ['k1', undefined],
    ])
    for (const token of [oldToken, newToken]) {
      await expect(
        jwtVerify(token, createLocalJWKSet(publicSet), verifyOptions),
      ).resolves.toBeTruthy()
    }
    // The retired key says so in the public set too: a verify-only service that loads it
    // (JwtKeySet.fromJson) stops trusting it at the end of its grace, not never.
    expect(publicSet.keys[1].retiredAt).toBe(rotated.keys[1].retiredAt)
    const verifier = await JwtKeySet.fromJson(publicSet, { grace: 60 })
    const kids = (at: number) => verifier.jwks(at * 1000).keys.map((k) => k.kid)
    expect(kids(rotated.keys[1].retiredAt + 59)).toEqual(['k2', 'k1'])
    expect(kids(rotated.keys[1].retiredAt + 61)).toEqual(['k2'])

    // A second rotation, to another algorithm: k1 keeps its first retiredAt.
    const second = await tessera(['keys', 'rotate', '--file', file, '--alg', 'ES256'])
    expect(second.code).toBe(0)
    const twice = await json(file)
    expect(twice.keys.map((k: JWK) => k.alg)).toEqual(['ES256', 'EdDSA', 'EdDSA'])
    expect(twice.keys[1].kid).toBe('k2')
    expect(twice.keys[1].retiredAt).toBeGreaterThanOrEqual(before)
    expect(twice.keys[2].retiredAt).toBe(rotated.keys[1].retiredAt)
    expect(decodeProtectedHeader(await libraryJwt(await JwtKeySet.fromJson(twice))).alg).toBe(
      'ES256',
    )

    const clash = await tessera(['keys', 'rotate', '--file', file, '--kid', 'k1'])
    expect(clash.code).toBe(2)
    expect(clash.stderr).toBe('tessera: the key set already has a key with kid k1\n')
  })

  it('never overwrites a key file without --force; --out - prints the private key set, the summary to stderr', async () => {
    const out = join(dir, 'once.json')
    expect((await tessera(['keys', 'generate', '--alg', 'ES256', '--out', out])).code).toBe(0)
    const first = await readFile(out, 'utf8')
    const again = await tessera(['keys', 'generate', '--alg', 'ES256', '--out', out])
    expect(again.code).toBe(1)
    expect(again.stderr).toBe(`tessera: ${out} already exists (pass --force to overwrite it)\n`)
    expect(await readFile(out, 'utf8')).toBe(first)
    const forced = await tessera(['keys', 'generate', '--alg', 'ES256', '--out', out, '--force'])
    expect(forced.code).toBe(0)
    expect(await readFile(out, 'utf8')).not.toBe(first)

    const piped = await tessera(['keys', 'generate', '--alg', 'EdDSA', '--out', '-'])
    expect(piped.code).toBe(0)
    const set = JSON.parse(piped.stdout)
    expect(set.keys[0]).toMatchObject({ alg: 'EdDSA', use: 'sig', d: expect.any(String) })
    expect(piped.stderr).toBe(`generated EdDSA key ${set.keys[0].kid}\n`)
  })

  it('refuses a --public-out that names the private file, however spelled, and keeps the keys', async () => {
    const file = join(dir, 'same.json')
    expect((await tessera(['keys', 'generate', '--alg', 'EdDSA', '--out', file])).code).toBe(0)
    const before = await readFile(file, 'utf8')
    const spelled = join(dir, '.', 'same.json').replace('same.json', './same.json')
    const rotate = await tessera(['keys', 'rotate', '--file', file, '--public-out', spelled])
    expect(rotate.code).toBe(2)
    expect(rotate.stderr).toBe('tessera: --public-out must differ from --file\n')
    expect(await readFile(file, 'utf8')).toBe(before)
    const generate = await tessera([
      'keys',
      'generate',
      '--alg',
      'EdDSA',
      '--out',
      file,
      '--public-out',
      spelled,
      '--force',
    ])
    expect(generate.code).toBe(2)
    expect(generate.stderr).toBe('tessera: --public-out must differ from --out\n')
    expect(await readFile(file, 'utf8')).toBe(before)
    expect((await json(file)).keys[0].d).toEqual(expect.any(String))
  })

  it('keys rotate refuses what is not a key set file, in one line without key material', async () => {
    const cases: [string, string, RegExp][] = [
      ['missing.json', '', /^tessera: cannot read the key set file .*missing\.json \(ENOENT\)$/],
      ['garbage.json', 'not json {', /is not JSON, so not a key set file$/],
      ['empty.json', '{"keys":[]}', /needs a non-empty "keys" array$/],
      [
        'public.json',
        '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"PUBLICPART","kid":"a","alg":"EdDSA","use":"sig"}]}',
        /keys\[0\] is not a private JWK$/,
      ],
      [
        'nokid.json',
        '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"X","d":"PRIVATEPART","alg":"EdDSA","use":"sig"}]}',
        /keys\[0\] has no "kid"$/,
      ],
    ]
    for (const [name, content, message] of cases) {
      const file = join(dir, name)
      if (content) await writeFile(file, content)
      const run = await tessera(['keys', 'rotate', '--file', file])
      expect(run.code, name).toBe(1)
      expect(lines(run.stderr)).toEqual([expect.stringMatching(message)])
      expect(run.stderr).not.toContain('PRIVATEPART')
      if (content) expect(await readFile(file, 'utf8')).toBe(content)
    }
  })
})
