// `node --import tsx probe/login-timing.ts [password module]`: how long a failed login
// takes through `authenticate` with `createPasswordHasher()` defaults, for an unknown
// user and for existing users whose stored hash is the current scrypt, Django's unusable
// password (`!…`), an unsupported algorithm (argon2), older Django PBKDF2 and scrypt
// settings — as `tessera import-django-users` brings them in. Prints each path's median
// and its ratio to a wrong password against a current hash (SECURITY.md: "same answer
// and similar time for unknown user and wrong password"). Ratios, not thresholds: the
// tests count derivations instead (packages/password/test/equal-work.test.ts). The
// optional argument loads another build of @tessera/password, e.g. an older checkout.
import { pbkdf2Sync } from 'node:crypto'
import { type AuthUser, authenticate, type PasswordHasher, type UserProvider } from '@tessera/core'

const module: { createPasswordHasher: () => PasswordHasher } = await import(
  process.argv[2] ?? '@tessera/password'
)
const rounds = 9
const hasher = module.createPasswordHasher()

function djangoPbkdf2(iterations: number): string {
  const salt = 'abcdefghijklmnopqrstuv'
  const key = pbkdf2Sync('their old password', salt, iterations, 32, 'sha256').toString('base64')
  return `pbkdf2_sha256$${iterations}$${salt}$${key}`
}
const djangoScrypt = (p: number) =>
  import(process.argv[2] ?? '@tessera/password').then((m) =>
    m.createPasswordHasher({ scrypt: { N: 2 ** 14, r: 8, p } }).hash('their old password'),
  )

const stored: Record<string, string> = {
  'wrong password (current scrypt)': await hasher.hash('their password'),
  'unusable (!…)': '!Zr3kq0mN2fVbXWcY8uT1pLsJ9eHdA4gRyK7oIxEj',
  argon2: 'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$3LqDrPAJNHDn7jHoMoJVhQ',
  'pbkdf2_sha256 260,000 (Django 3.2)': djangoPbkdf2(260_000),
  'pbkdf2_sha256 720,000 (Django 5.0)': djangoPbkdf2(720_000),
  'scrypt p=1 (Django < 5.1)': await djangoScrypt(1),
  'pbkdf2_sha256 1,200,000 (Django 6.0, dearer)': djangoPbkdf2(1_200_000),
}
const list: AuthUser[] = Object.entries(stored).map(([username, passwordHash], i) => ({
  id: String(i),
  username,
  passwordHash,
}))
const users: UserProvider = {
  findByUsername: async (name) => list.find((u) => u.username === name) ?? null,
  findById: async (id) => list.find((u) => u.id === id) ?? null,
  replacePasswordHash: async () => true,
}

const paths = ['unknown user', ...Object.keys(stored)]
const times = new Map<string, number[]>(paths.map((p) => [p, []]))
await authenticate({ users, hasher }, 'warm-up', 'wrong password')
for (let round = 0; round < rounds; round++) {
  // Interleaved, one at a time, so drift and the thread pool treat every path alike.
  for (const path of paths) {
    const started = performance.now()
    const user = await authenticate({ users, hasher }, path, 'wrong password')
    times.get(path)?.push(performance.now() - started)
    if (user !== null) throw new Error(`${path}: a wrong password was accepted`)
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const base = median(times.get('wrong password (current scrypt)') ?? [])
console.log(`failed logins, median of ${rounds}, createPasswordHasher() defaults`)
for (const path of paths) {
  const ms = median(times.get(path) ?? [])
  console.log(`${path.padEnd(46)} ${ms.toFixed(1).padStart(7)} ms  ×${(ms / base).toFixed(2)}`)
}
