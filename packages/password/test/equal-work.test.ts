import { pbkdf2Sync } from 'node:crypto'
import { type AuthUser, authenticate, type UserProvider } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createPasswordHasher } from '../src/index.js'
import { PBKDF2_ITERATIONS_PER_SCRYPT_WORK } from '../src/lib/kdf.js'
import { cost, countingDerive, type Derivation, work } from './counting-derive.js'

// SECURITY.md: "Login: same answer and similar time for unknown user and wrong password".
// No stopwatch: the `derive` option counts the derivations each path runs, and their cost
// (scrypt N·r·p; PBKDF2 iterations at the hasher's exchange rate). Cheap parameters with
// p > 1, so that "part of a current hash" is visible.
const CURRENT = { N: 64, r: 2, p: 5 }
const CURRENT_WORK = work(CURRENT) // 640
const PBKDF2_EQUIVALENT = Math.ceil(CURRENT_WORK * PBKDF2_ITERATIONS_PER_SCRYPT_WORK) // 800
const ONE_CURRENT_HASH: Derivation[] = [{ kdf: 'scrypt', ...CURRENT }]

function setup(options: { pbkdf2Iterations?: number; maxmem?: number } = {}) {
  const { derive, take } = countingDerive()
  const maxmem = options.maxmem ? { maxmem: options.maxmem } : {}
  const scrypt = { ...CURRENT, ...maxmem, allowWeak: true }
  const hasher = createPasswordHasher({ scrypt, derive, ...options })
  return { hasher, take }
}

function djangoPbkdf2(password: string, iterations: number, digest: 'sha256' | 'sha1' = 'sha256') {
  const salt = 'abcdefghijklmnopqrstuv'
  const key = pbkdf2Sync(password, salt, iterations, digest === 'sha256' ? 32 : 20, digest)
  return `pbkdf2_${digest}$${iterations}$${salt}$${key.toString('base64')}`
}

const scryptHash = (N: number, r: number, p: number, password = 'their password') =>
  createPasswordHasher({ scrypt: { N, r, p, allowWeak: true } }).hash(password)

describe('every refusal costs at least a current hash', () => {
  it('a wrong password against a current hash: one scrypt with the current parameters', async () => {
    const { hasher, take } = setup()
    const encoded = await hasher.hash('their password')
    expect(take()).toEqual(ONE_CURRENT_HASH)
    expect((await hasher.verify('wrong password', encoded)).valid).toBe(false)
    expect(take()).toEqual(ONE_CURRENT_HASH)
  })

  const key32 = Buffer.alloc(32, 7).toString('base64')
  const key64 = Buffer.alloc(64, 7).toString('base64')
  it.each([
    ['Django’s unusable password', '!Zr3kq0mN2fVbXWcY8uT1pLsJ9eHdA4gRyK7oIxEj'],
    ['a bare unusable marker', '!'],
    ['an empty hash', ''],
    ['a malformed hash', 'pbkdf2_sha256$1000$salt$not base64'],
    ['argon2', 'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$3LqDrPAJNHDn7jHoMoJVhQ'],
    ['bcrypt', 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuK7y6yIi5XfPa0zRzqO/ybkHd4k8T2a'],
    ['Django md5', 'md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3'],
    ['PBKDF2 iterations over the cap', `pbkdf2_sha256$10000001$seasalt$${key32}`],
    ['scrypt work over the cap', `scrypt$16384$saltsaltsaltsaltsalt12$8$65$${key64}`],
    ['scrypt memory over maxmem', `scrypt$1048576$saltsaltsaltsaltsalt12$8$1$${key64}`],
  ])('%s: refused after exactly that work, never its own parameters', async (_name, encoded) => {
    const { hasher, take } = setup()
    expect(await hasher.verify('wrong password', encoded)).toEqual({
      valid: false,
      needsRehash: false,
    })
    expect(take()).toEqual(ONE_CURRENT_HASH)
  })

  it('a non-string password or hash: refused after the same work', async () => {
    const { hasher, take } = setup()
    const encoded = await scryptHash(64, 2, 5)
    for (const [password, stored] of [
      [undefined, encoded],
      [42, encoded],
      ['wrong password', null],
      ['wrong password', { toString: () => encoded }],
    ]) {
      expect((await hasher.verify(password as string, stored as string)).valid).toBe(false)
      expect(take()).toEqual(ONE_CURRENT_HASH)
    }
  })

  it('legacy PBKDF2, wrong password: the remaining iterations, as Django’s harden_runtime', async () => {
    const { hasher, take } = setup()
    for (const digest of ['sha256', 'sha1'] as const) {
      for (const iterations of [1, 100, 799]) {
        const encoded = djangoPbkdf2('their old password', iterations, digest)
        expect((await hasher.verify('wrong password', encoded)).valid).toBe(false)
        expect(take()).toEqual([
          { kdf: 'pbkdf2', iterations, digest },
          { kdf: 'pbkdf2', iterations: PBKDF2_EQUIVALENT - iterations, digest },
        ])
      }
      // Already as dear as a current hash, or dearer: nothing added.
      for (const iterations of [PBKDF2_EQUIVALENT, 5000]) {
        const encoded = djangoPbkdf2('their old password', iterations, digest)
        expect((await hasher.verify('wrong password', encoded)).valid).toBe(false)
        expect(take()).toEqual([{ kdf: 'pbkdf2', iterations, digest }])
      }
    }
  })

  it('cheaper scrypt, wrong password: the current N and r with the p that makes up the rest', async () => {
    const { hasher, take } = setup()
    // Django < 5.1 wrote p=1: four more of the current p's five.
    expect((await hasher.verify('wrong', await scryptHash(64, 2, 1))).valid).toBe(false)
    expect(take()).toEqual([
      { kdf: 'scrypt', N: 64, r: 2, p: 1 },
      { kdf: 'scrypt', N: 64, r: 2, p: 4 },
    ])
    // Half the work: 2.5 of the current p's rounds up to 3.
    expect((await hasher.verify('wrong', await scryptHash(32, 2, 5))).valid).toBe(false)
    expect(take()).toEqual([
      { kdf: 'scrypt', N: 32, r: 2, p: 5 },
      { kdf: 'scrypt', N: 64, r: 2, p: 3 },
    ])
    // A tiny hash: all five.
    expect((await hasher.verify('wrong', await scryptHash(2, 1, 1))).valid).toBe(false)
    expect(take()).toEqual([
      { kdf: 'scrypt', N: 2, r: 1, p: 1 },
      { kdf: 'scrypt', N: 64, r: 2, p: 5 },
    ])
    // Dearer than the current setting: nothing added.
    expect((await hasher.verify('wrong', await scryptHash(128, 2, 5))).valid).toBe(false)
    expect(take()).toEqual([{ kdf: 'scrypt', N: 128, r: 2, p: 5 }])
  })

  it('a correct password is not padded and keeps its needsRehash', async () => {
    const { hasher, take } = setup()
    expect(await hasher.verify('their password', await scryptHash(64, 2, 1))).toEqual({
      valid: true,
      needsRehash: true,
    })
    expect(take()).toEqual([{ kdf: 'scrypt', N: 64, r: 2, p: 1 }])
    expect(await hasher.verify('pw', djangoPbkdf2('pw', 100))).toEqual({
      valid: true,
      needsRehash: true,
    })
    expect(take()).toEqual([{ kdf: 'pbkdf2', iterations: 100, digest: 'sha256' }])
    expect(await hasher.verify('pw', await scryptHash(64, 2, 5, 'pw'))).toEqual({
      valid: true,
      needsRehash: false,
    })
    expect(take()).toEqual(ONE_CURRENT_HASH)
  })

  it('any stored hash: verify never throws, and a refusal costs at least a current hash (fast-check)', async () => {
    // Bounded so every case is cheap: stored PBKDF2 over 5,000 iterations and scrypt over
    // 256 KiB are refused by the caps, which is one of the paths under test.
    const { hasher, take } = setup({ pbkdf2Iterations: 5000, maxmem: 256 * 1024 })
    const decimal = fc.oneof(
      fc.integer({ min: 0, max: 6000 }).map(String),
      fc.integer({ min: 0, max: 12 }).map((k) => String(2 ** k)),
      fc.constantFrom('-1', '01000', '1e3', ' 100', '4294967295', '99999999999', ''),
    )
    const salt = fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{0,30}$/), fc.string({ maxLength: 8 }))
    const key = fc.oneof(
      fc
        .constantFrom(20, 32, 64)
        .chain((n) =>
          fc
            .uint8Array({ minLength: n, maxLength: n })
            .map((b) => Buffer.from(b).toString('base64')),
        ),
      fc.string({ maxLength: 90 }),
    )
    const djangoLike = fc.oneof(
      fc
        .tuple(fc.constantFrom('pbkdf2_sha256', 'pbkdf2_sha1'), decimal, salt, key)
        .map((f) => f.join('$')),
      fc.tuple(fc.constant('scrypt'), decimal, salt, decimal, decimal, key).map((f) => f.join('$')),
      fc
        .tuple(
          fc.constantFrom('argon2', 'bcrypt_sha256', 'md5', 'sha1', 'unsalted_md5', '!', ''),
          fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }),
        )
        .map(([algorithm, rest]) => [algorithm, ...rest].join('$')),
    )
    // Valid hashes from older settings, with their own password: PBKDF2 built here,
    // scrypt (cheaper or dearer than the current one) by another hasher in the property.
    const legacy = fc.oneof(
      fc
        .tuple(fc.integer({ min: 1, max: 2000 }), fc.constantFrom('sha256', 'sha1' as const))
        .map(([iterations, digest]) => djangoPbkdf2('their password', iterations, digest)),
      fc.record({
        N: fc.integer({ min: 1, max: 7 }).map((k) => 2 ** k),
        r: fc.integer({ min: 1, max: 3 }),
        p: fc.integer({ min: 1, max: 6 }),
      }),
    )
    const stored = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 200 }),
      djangoLike,
      legacy,
    )
    await fc.assert(
      fc.asyncProperty(stored, fc.string({ maxLength: 40 }), async (arbitrary, password) => {
        const encoded =
          typeof arbitrary === 'string'
            ? arbitrary
            : await scryptHash(arbitrary.N, arbitrary.r, arbitrary.p)
        take()
        const result = await hasher.verify(password, encoded)
        const calls = take()
        if (result.valid) return // only a legacy hash with its own password
        expect(result.needsRehash).toBe(false)
        expect(cost(calls)).toBeGreaterThanOrEqual(CURRENT_WORK)
        // At most the stored hash's own derivation and one of padding.
        expect(calls.length).toBeLessThanOrEqual(2)
      }),
      { numRuns: 200 },
    )
  })
})

describe('authenticate with this hasher: every failed login costs a current hash', () => {
  // The audit's users, as `tessera import-django-users` brings them in: an unusable
  // password (imported on purpose) and an older Django PBKDF2 hash.
  it('unknown user, wrong password, unusable, legacy PBKDF2, cheaper scrypt, argon2', async () => {
    const { hasher, take } = setup()
    const list: AuthUser[] = [
      { id: '1', username: 'current', passwordHash: await hasher.hash('their password') },
      { id: '2', username: 'sso-only', passwordHash: '!Zr3kq0mN2fVbXWcY8uT1pLsJ9eHdA4gRyK7oIxEj' },
      { id: '3', username: 'legacy', passwordHash: djangoPbkdf2('their old password', 260) },
      { id: '4', username: 'django50', passwordHash: await scryptHash(64, 2, 1) },
      {
        id: '5',
        username: 'argon',
        passwordHash: 'argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA',
      },
    ]
    const users: UserProvider = {
      findByUsername: async (name) => list.find((u) => u.username === name) ?? null,
      findById: async (id) => list.find((u) => u.id === id) ?? null,
      replacePasswordHash: async () => true,
    }
    take()
    const spent: Record<string, number> = {}
    for (const username of ['nobody', 'current', 'sso-only', 'legacy', 'django50', 'argon']) {
      expect(await authenticate({ users, hasher }, username, 'wrong password')).toBeNull()
      spent[username] = cost(take())
    }
    expect(spent).toEqual({
      nobody: CURRENT_WORK,
      current: CURRENT_WORK,
      'sso-only': CURRENT_WORK,
      legacy: CURRENT_WORK,
      django50: CURRENT_WORK,
      argon: CURRENT_WORK,
    })
  })
})
