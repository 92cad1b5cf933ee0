import { spawnSync } from 'node:child_process'
import { scrypt } from 'node:crypto'
import { ArgumentError, ConfigError } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { createPasswordHasher } from '../src/index.js'
import { countingDerive } from './counting-derive.js'

// Cheap parameters wherever the point is not the cost.
const cheap = createPasswordHasher({ scrypt: { N: 16, r: 1, p: 1, allowWeak: true } })
const REFUSED = { valid: false, needsRehash: false }

const SALT22 = /[A-Za-z0-9]{22}/.source
const KEY64 = /[A-Za-z0-9+/]{86}==/.source

/**
 * Django's own known-answer vectors, tests/auth_tests/test_hashers.py in django/django:
 * - `commit4x`: commit 02dbf1667c6da61ea9346f7c9f174a158b896811 (Django 4.x: PBKDF2
 *   390,000 iterations, scrypt p=1) — test_pbkdf2, test_low_level_pbkdf2,
 *   test_low_level_pbkdf2_sha1, TestUtilsHashPassScrypt.test_scrypt.
 * - `commit1x`: commit d7087c398d7234b0a49417ce9409cd6c7807e86f (Django 1.10/1.11:
 *   30,000 iterations) — test_pbkdf2, test_low_level_pbkdf2, test_low_level_pbkdf2_sha1.
 * - `django51`: test_scrypt as updated for Django 5.1's p=5 default (django/django
 *   PR #18157, ticket #35428); recomputed with Python's hashlib.scrypt, identical.
 * Every one was also recomputed here with Python's hashlib (pbkdf2_hmac / scrypt with
 * maxmem=0, as Django calls it) and matched.
 */
const DJANGO_VECTORS = [
  ['commit4x', 'pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c='],
  ['commit4x', 'pbkdf2_sha256$390000$seasalt2$geC/uZ92nRXDSjSxeoiBqYyRcrLzMm8xK3ro1QS1uo8='],
  ['commit4x', 'pbkdf2_sha1$390000$seasalt2$aDapRanzW8aHTz97v2TcfHzWD+I='],
  [
    'commit4x',
    'scrypt$16384$seasalt$8$1$Qj3+9PPyRjSJIebHnG81TMjsqtaIGxNQG/aEB/NYafTJ7tibgfYz71m0ldQESkXFRkdVCBhhY8mx7rQwite/Pw==',
  ],
  ['commit1x', 'pbkdf2_sha256$30000$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY='],
  ['commit1x', 'pbkdf2_sha256$30000$seasalt2$a75qzbogeVhNFeMqhdgyyoqGKpIzYUo651sq57RERew='],
  ['commit1x', 'pbkdf2_sha1$30000$seasalt2$pMzU1zNPcydf6wjnJFbiVKwgULc='],
  [
    'django51',
    'scrypt$16384$seasalt$8$5$ECMIUp+LMxMSK8xB/IVyba+KYGTI7FTnet025q/1f/vBAVnnP3hdYqJuRi+mJn6ji6ze3Fbb7JEFPKGpuEf5vw==',
  ],
] as const
const DJANGO_PASSWORD = 'lètmein' // U+00E8, precomposed, as in Django's tests

// Computed independently, outside Node:
//   python3 -c "import hashlib,base64; print(base64.b64encode(hashlib.pbkdf2_hmac('sha256',
//     b'tessera-cross-check', b'independentsalt', 1000)).decode())"
const PYTHON_PBKDF2 =
  'pbkdf2_sha256$1000$independentsalt$9pd6JBwBzmeNsXQcaAAjXb9cWNT1CwiubZWlAqdY1CY='

const hasPython =
  spawnSync('python3', ['-c', 'import hashlib; hashlib.scrypt'], {
    stdio: 'ignore',
  }).status === 0

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('createPasswordHasher', () => {
  describe('round trip', () => {
    it('hashes in Django scrypt format and verifies the password', async () => {
      const encoded = await cheap.hash('correct horse battery staple')
      expect(encoded).toMatch(new RegExp(`^scrypt\\$16\\$${SALT22}\\$1\\$1\\$${KEY64}$`))
      expect(await cheap.verify('correct horse battery staple', encoded)).toEqual({
        valid: true,
        needsRehash: false,
      })
    })

    it('refuses a wrong password, without asking for a rehash', async () => {
      const encoded = await cheap.hash('correct horse battery staple')
      for (const wrong of ['correct horse battery stapl', 'Correct horse battery staple', '']) {
        expect(await cheap.verify(wrong, encoded)).toEqual(REFUSED)
      }
    })

    it('salts every hash afresh', async () => {
      const [a, b] = await Promise.all([cheap.hash('same'), cheap.hash('same')])
      expect(a).not.toBe(b)
      expect(a.split('$')[2]).not.toBe(b.split('$')[2])
    })

    it('handles empty and non-ASCII passwords as UTF-8 bytes, without normalising', async () => {
      for (const password of ['', ' ', 'lètmein 🔑', 'пароль', '密码', 'a\u0000b']) {
        const encoded = await cheap.hash(password)
        expect((await cheap.verify(password, encoded)).valid).toBe(true)
      }
      // NFC "è" and NFD "e + U+0300" are different bytes: Django does not normalise.
      const nfc = await cheap.hash('lètmein')
      expect((await cheap.verify('le\u0300tmein', nfc)).valid).toBe(false)
    })

    it('uses the defaults N=2^14, r=8, p=5 and fits Django’s 128-character column', async () => {
      const hasher = createPasswordHasher()
      const encoded = await hasher.hash('lètmein')
      expect(encoded).toMatch(new RegExp(`^scrypt\\$16384\\$${SALT22}\\$8\\$5\\$${KEY64}$`))
      expect(encoded).toHaveLength(128)
      expect(await hasher.verify('lètmein', encoded)).toEqual({ valid: true, needsRehash: false })
    })

    it.skipIf(!hasPython)(
      'writes hashes that Django’s ScryptPasswordHasher.verify accepts (Python, maxmem=0)',
      async () => {
        const password = 'lètmein 🔑'
        const encoded = await createPasswordHasher().hash(password)
        // The body of Django's ScryptPasswordHasher.decode + verify.
        const script = [
          'import sys, json, hashlib, base64, hmac',
          'd = json.load(sys.stdin)',
          "algorithm, n, salt, r, p, h = d['encoded'].split('$', 6)",
          "key = hashlib.scrypt(d['password'].encode(), salt=salt.encode(), n=int(n), r=int(r), p=int(p), maxmem=0, dklen=64)",
          "again = '%s$%d$%s$%d$%d$%s' % (algorithm, int(n), salt, int(r), int(p), base64.b64encode(key).decode('ascii').strip())",
          "print(hmac.compare_digest(d['encoded'].encode(), again.encode()))",
        ].join('\n')
        const run = spawnSync('python3', ['-c', script], {
          input: JSON.stringify({ password, encoded }),
          encoding: 'utf8',
        })
        expect(run.stderr).toBe('')
        expect(run.stdout.trim()).toBe('True')
      },
    )

    it('rejects a non-string password in hash() as a programming error', async () => {
      await expect(cheap.hash(undefined as unknown as string)).rejects.toThrow(ArgumentError)
    })
  })

  describe('Django hashes', () => {
    const hasher = createPasswordHasher()

    it.each(DJANGO_VECTORS)('verifies Django’s vector (%s) %s', async (_source, encoded) => {
      const result = await hasher.verify(DJANGO_PASSWORD, encoded)
      // Valid, and always upgraded: PBKDF2, scrypt p=1, or the 7-character salt
      // "seasalt" (≈42 bits, under Django's 128-bit salt_entropy).
      expect(result).toEqual({ valid: true, needsRehash: true })
      expect(await hasher.verify('lètmeinz', encoded)).toEqual(REFUSED)
      expect(await hasher.verify('le\u0300tmein', encoded)).toEqual(REFUSED)
    })

    it('verifies a PBKDF2-SHA256 hash computed independently by Python', async () => {
      expect(await cheap.verify('tessera-cross-check', PYTHON_PBKDF2)).toEqual({
        valid: true,
        needsRehash: true,
      })
      expect(await cheap.verify('tessera-cross-check!', PYTHON_PBKDF2)).toEqual(REFUSED)
    })

    it('refuses Django’s unusable password marker', async () => {
      const unusable = `!${'A1b2C3d4E5'.repeat(4)}` // "!" + 40 random chars in Django
      for (const encoded of ['!', unusable]) {
        expect(await hasher.verify('', encoded)).toEqual(REFUSED)
        expect(await hasher.verify(encoded, encoded)).toEqual(REFUSED)
      }
    })
  })

  describe('needsRehash', () => {
    const scryptWith = (N: number, r: number, p: number) =>
      createPasswordHasher({ scrypt: { N, r, p, allowWeak: true } }).hash('pw')

    it('is false for a scrypt hash with the current parameters and a full salt', async () => {
      expect(await cheap.verify('pw', await scryptWith(16, 1, 1))).toEqual({
        valid: true,
        needsRehash: false,
      })
    })

    it('is true when N, r or p differ — weaker or stronger', async () => {
      for (const [N, r, p] of [
        [8, 1, 1],
        [32, 1, 1],
        [16, 2, 1],
        [16, 1, 2],
      ] as const) {
        expect(await cheap.verify('pw', await scryptWith(N, r, p))).toEqual({
          valid: true,
          needsRehash: true,
        })
      }
    })

    it('is true for a scrypt hash with current parameters but a short salt', async () => {
      // Django's must_update_salt: 7 characters of [a-zA-Z0-9] are ~42 bits, under 128.
      const key = await rawScrypt('lètmein', 'seasalt', 16, 1, 1)
      expect(await cheap.verify('lètmein', `scrypt$16$seasalt$1$1$${key}`)).toEqual({
        valid: true,
        needsRehash: true,
      })
    })

    it('is true for every PBKDF2 hash, and never set when the password is wrong', async () => {
      expect((await cheap.verify('tessera-cross-check', PYTHON_PBKDF2)).needsRehash).toBe(true)
      expect((await cheap.verify('nope', PYTHON_PBKDF2)).needsRehash).toBe(false)
      expect((await cheap.verify('nope', await scryptWith(32, 1, 1))).needsRehash).toBe(false)
    })
  })

  describe('malformed and hostile hashes', () => {
    const key32 = Buffer.alloc(32, 7).toString('base64')
    const key64 = Buffer.alloc(64, 7).toString('base64')
    const scrypt = (N: string, r: string, p: string) =>
      `scrypt$${N}$saltsaltsaltsaltsalt12$${r}$${p}$${key64}`
    const pbkdf2 = (iterations: string) => `pbkdf2_sha256$${iterations}$seasalt$${key32}`
    const valid = PYTHON_PBKDF2

    const hostile: [string, unknown][] = [
      ['empty', ''],
      ['just a dollar', '$'],
      ['unknown algorithm', 'lolcat$salt$hash'],
      ['Django md5', 'md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3'],
      ['Django unsalted md5', '88a434c88cca4e900f7874cd98123f43'],
      ['Django sha1', 'sha1$seasalt$cff36ea83f5706ce9aa7454e63e431fc726b2dc8'],
      ['bcrypt', 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuK7y6yIi5XfPa0zRzqO/ybkHd4k8T2a'],
      ['argon2', 'argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q'],
      ['upper-case algorithm', valid.replace('pbkdf2_sha256', 'PBKDF2_SHA256')],
      ['iterations above the cap', pbkdf2('10000001')],
      ['iterations 2^32-1', pbkdf2('4294967295')],
      ['iterations with 11 digits', pbkdf2('99999999999')],
      ['iterations zero', pbkdf2('0')],
      ['iterations negative', pbkdf2('-1000')],
      ['iterations with a leading zero', pbkdf2('01000')],
      ['iterations in exponent form', pbkdf2('1e3')],
      ['iterations with spaces', pbkdf2(' 1000')],
      ['iterations fractional', pbkdf2('1000.0')],
      ['iterations missing', `pbkdf2_sha256$$seasalt$${key32}`],
      ['missing hash field', 'pbkdf2_sha256$1000$independentsalt'],
      ['extra field', `${valid}$extra`],
      ['empty salt', `pbkdf2_sha256$1000$$${key32}`],
      ['empty hash', 'pbkdf2_sha256$1000$independentsalt$'],
      [
        'non-base64 hash',
        'pbkdf2_sha256$1000$independentsalt$***********************************==',
      ],
      ['base64url hash', valid.replace(/\+/g, '-').replace(/\//g, '_').replace('=', '')],
      ['unpadded hash', valid.replace(/=$/, '')],
      ['truncated key', valid.slice(0, -8)],
      ['trailing newline', `${valid}\n`],
      ['leading space', ` ${valid}`],
      ['sha1 key length on sha256', `pbkdf2_sha256$1000$s$${Buffer.alloc(20).toString('base64')}`],
      ['scrypt N not a power of two', scrypt('16383', '8', '1')],
      ['scrypt N = 1', scrypt('1', '8', '1')],
      ['scrypt N = 0', scrypt('0', '8', '1')],
      ['scrypt N negative', scrypt('-16384', '8', '1')],
      ['scrypt N = 2^33', scrypt('8589934592', '8', '1')],
      ['scrypt N = 2^20 (1 GiB)', scrypt('1048576', '8', '1')],
      ['scrypt r = 0', scrypt('16384', '0', '1')],
      ['scrypt p = 0', scrypt('16384', '8', '0')],
      ['scrypt huge p', scrypt('16384', '8', '9999999999')],
      ['scrypt huge r', scrypt('16', '9999999999', '1')],
      ['scrypt work above the cap', scrypt('16384', '8', '65')],
      ['scrypt fields missing', 'scrypt$16384$seasalt$8$1'],
      ['scrypt fields swapped (Django 1.x add-on order)', `scrypt$seasalt$16384$8$1$64$${key64}`],
      ['scrypt short key', `scrypt$16$saltsaltsaltsaltsalt12$1$1$${key32}`],
      ['megabyte string', `pbkdf2_sha256$1000$${'s'.repeat(1_000_000)}$${key32}`],
      ['null', null],
      ['undefined', undefined],
      ['number', 42],
      ['object', { toString: () => valid }],
    ]

    it.each(hostile)(
      'refuses %s without throwing or computing its parameters',
      async (_name, encoded) => {
        // Counted, not timed: the only derivation is the dummy one with the current
        // parameters that every refusal runs (equal-work.test.ts).
        const { derive, take } = countingDerive()
        const counted = createPasswordHasher({
          scrypt: { N: 16, r: 1, p: 1, allowWeak: true },
          derive,
        })
        expect(await counted.verify('tessera-cross-check', encoded as string)).toEqual(REFUSED)
        expect(take()).toEqual([{ kdf: 'scrypt', N: 16, r: 1, p: 1 }])
      },
    )

    it('refuses a non-string password', async () => {
      for (const password of [undefined, null, 42, ['tessera-cross-check']]) {
        expect(await cheap.verify(password as unknown as string, valid)).toEqual(REFUSED)
      }
    })

    it('applies the configured caps to stored hashes', async () => {
      // 30,000 iterations is above a cap of 1,000: refused without computing.
      const capped = createPasswordHasher({
        scrypt: { N: 16, r: 1, p: 1, allowWeak: true },
        pbkdf2Iterations: 1000,
      })
      expect((await capped.verify('tessera-cross-check', PYTHON_PBKDF2)).valid).toBe(true)
      expect(await capped.verify(DJANGO_PASSWORD, DJANGO_VECTORS[4][1])).toEqual(REFUSED)
      // Django's N=2^14, r=8 scrypt needs ~16 MiB: refused under a 1 MiB maxmem.
      const small = createPasswordHasher({
        scrypt: { N: 16, r: 1, p: 1, maxmem: 1024 * 1024, allowWeak: true },
      })
      expect(await small.verify(DJANGO_PASSWORD, DJANGO_VECTORS[7][1])).toEqual(REFUSED)
    })
  })

  describe('options', () => {
    it.each([
      ['N not a power of two', { scrypt: { N: 1000 } }],
      ['N = 1', { scrypt: { N: 1 } }],
      ['N fractional', { scrypt: { N: 16.5 } }],
      ['r = 0', { scrypt: { r: 0 } }],
      ['p fractional', { scrypt: { p: 1.5 } }],
      ['p as a string', { scrypt: { p: '5' as unknown as number } }],
      ['work above the cap', { scrypt: { N: 2 ** 20, r: 8, p: 2, maxmem: 2 ** 31 } }],
      ['maxmem below what N, r, p need', { scrypt: { maxmem: 16 * 1024 * 1024 } }],
      ['pbkdf2Iterations = 0', { pbkdf2Iterations: 0 }],
      ['pbkdf2Iterations above 2^31-1', { pbkdf2Iterations: 2 ** 31 }],
      ['derive without pbkdf2', { derive: { scrypt: async () => new Uint8Array() } as never }],
    ])('throws CONFIG_INVALID for %s', (_name, options) => {
      expect(configError(() => createPasswordHasher(options)).code).toBe('CONFIG_INVALID')
    })

    // A test's cheap setting copied into production: refused at startup, with the floor.
    it.each([
      ['a test fixture’s N=1024, r=8, p=1', { N: 1024, r: 8, p: 1 }],
      ['under 8 MiB however many passes (N=2^12, r=8, p=64)', { N: 2 ** 12, r: 8, p: 64 }],
      ['8 MiB but under Django 4.0’s work (N=2^13, r=8, p=1)', { N: 2 ** 13, r: 8, p: 1 }],
      ['4 MiB with r=1 (N=2^15, p=8)', { N: 2 ** 15, r: 1, p: 8 }],
    ])('refuses weak new-hash parameters: %s', (_name, scrypt) => {
      const error = configError(() => createPasswordHasher({ scrypt }))
      expect(error.code).toBe('CONFIG_INVALID')
      expect(error.message).toBe(
        'scrypt N·r must be at least 65536 and N·r·p at least 131072 (N=16384, r=8, p=1 ' +
          'or stronger; the default is p=5); scrypt.allowWeak: true lowers it for tests only',
      )
      expect(() => createPasswordHasher({ scrypt: { ...scrypt, allowWeak: true } })).not.toThrow()
    })

    it('accepts the floor itself, OWASP’s settings and the default', async () => {
      for (const scrypt of [
        { N: 2 ** 14, r: 8, p: 1 }, // Django 4.0–5.0
        { N: 2 ** 13, r: 8, p: 10 }, // OWASP's smallest memory
        { N: 2 ** 16, r: 8, p: 2, maxmem: 2 ** 28 },
        {},
      ]) {
        expect(() => createPasswordHasher({ scrypt })).not.toThrow()
      }
      // The floor is on new hashes: a stored weaker one verifies and asks to be replaced.
      const stored = await cheap.hash('pw')
      expect(await createPasswordHasher().verify('pw', stored)).toEqual({
        valid: true,
        needsRehash: true,
      })
    })
  })
})

// A Django-format scrypt key for a chosen salt, straight from node:crypto.
function rawScrypt(password: string, salt: string, N: number, r: number, p: number) {
  return new Promise<string>((resolve, reject) =>
    scrypt(password, salt, 64, { N, r, p }, (error, key) =>
      error ? reject(error) : resolve(key.toString('base64')),
    ),
  )
}
