import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateJwtKey, JwtKeySet } from '@tessera/core'
import { afterAll, describe, expect, it } from 'vitest'
import { loadJwtConfig } from '../src/jwt-config.js'
import { readOrCreateJwtKeySet } from '../src/jwt-key-file.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-jwt-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('loadJwtConfig', () => {
  it('defaults to opaque cookies, with the JWT defaults ready for SESSION_FORMAT=jwt', () => {
    expect(loadJwtConfig({}, dir)).toEqual({
      format: 'opaque',
      keysFile: join(dir, 'jwt-keys.json'),
      createKeys: true,
      issuer: 'tessera-demo',
      audience: 'tessera-federated',
    })
    const custom = loadJwtConfig(
      {
        SESSION_FORMAT: 'jwt',
        JWT_KEYS_FILE: join(dir, 'mine.json'),
        JWT_ISSUER: 'https://app.example',
        JWT_AUDIENCE: 'https://api.example',
        JWT_TTL: '120',
        INTROSPECTION_SECRET: 'x'.repeat(32),
      },
      dir,
    )
    expect(custom).toMatchObject({
      format: 'jwt',
      createKeys: false,
      ttl: 120,
      issuer: 'https://app.example',
    })
  })

  it('refuses values that cannot work, naming the setting', () => {
    expect(() => loadJwtConfig({ SESSION_FORMAT: 'JWT' }, dir)).toThrow(/SESSION_FORMAT/)
    expect(() => loadJwtConfig({ SESSION_FORMAT: 'jwt', JWT_TTL: '0' }, dir)).toThrow(/JWT_TTL/)
    expect(() => loadJwtConfig({ SESSION_FORMAT: 'jwt', JWT_TTL: '5m' }, dir)).toThrow(/JWT_TTL/)
    expect(() =>
      loadJwtConfig({ SESSION_FORMAT: 'jwt', INTROSPECTION_SECRET: 'short' }, dir),
    ).toThrow(/INTROSPECTION_SECRET must be at least 32/)
    expect(() => loadJwtConfig({ INTROSPECTION_SECRET: 'x'.repeat(32) }, dir)).toThrow(
      /SESSION_FORMAT=jwt/,
    )
    expect(() => loadJwtConfig({ JWT_KEY_FILE: 'k.pem', JWT_KEYS_FILE: 'k.json' }, dir)).toThrow(
      'JWT_KEY_FILE (one PEM key) and JWT_KEYS_FILE (a JWK set) are two ways to give the keys: set one',
    )
    expect(loadJwtConfig({ SESSION_FORMAT: 'jwt', JWT_KEY_FILE: 'k.pem' }, dir).keyFile).toBe(
      join(process.cwd(), 'k.pem'),
    )
  })
})

describe('readOrCreateJwtKeySet', () => {
  it('creates one EdDSA private key (mode 0600) on first start and reuses it after, even when two instances race', async () => {
    const file = join(dir, 'race.json')
    const [a, b] = await Promise.all([
      readOrCreateJwtKeySet(file, { create: true }),
      readOrCreateJwtKeySet(file, { create: true }),
    ])
    expect(a.keys[0]?.kid).toBe(b.keys[0]?.kid)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(a.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
    const again = await readOrCreateJwtKeySet(file, { create: true })
    expect(again).toEqual(JSON.parse(readFileSync(file, 'utf8')))
    expect(again.keys[0]?.kid).toBe(a.keys[0]?.kid)
    // The library accepts it as a signing key set.
    expect((await JwtKeySet.fromJson(again)).canSign).toBe(true)
  })

  it('never creates an explicitly named file, and says what is wrong with a bad one', async () => {
    await expect(readOrCreateJwtKeySet(join(dir, 'typo.json'), { create: false })).rejects.toThrow(
      /JWT_KEYS_FILE .*typo\.json does not exist/,
    )
    const notJson = join(dir, 'broken.json')
    writeFileSync(notJson, '{ keys: nope', { mode: 0o600 })
    await expect(readOrCreateJwtKeySet(notJson, { create: false })).rejects.toThrow(/is not JSON/)
  })

  it('warns when other users may read the private keys', async () => {
    const file = join(dir, 'loose.json')
    writeFileSync(file, JSON.stringify({ keys: [await generateJwtKey('ES256')] }))
    chmodSync(file, 0o644)
    const warnings: string[] = []
    const warn = console.warn
    console.warn = (message: string) => warnings.push(message)
    try {
      const keySet = await readOrCreateJwtKeySet(file, { create: false })
      expect(keySet.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' })
    } finally {
      console.warn = warn
    }
    expect(warnings).toEqual([expect.stringContaining('chmod 600')])
  })
})
