// `node --import tsx probe/jwt-hot-token.ts [sessions]`: what one request costs on
// Tessera's Hono adapter with JWT session cookies when the verified-token cache is full
// (`sessions` tokens, 10,000 by default: the cache's default size) and one client sends
// the same token again and again. In process, through `app.request()` (no sockets), on
// a MemoryStore: only the session layer's own work. Prints µs per request for the hot
// token after the cache is filled, and for the same app with one session only.
// (README.md: the `LruCache` row of "What changed".)
import { generateJwtKey, JwtKeySet, MemoryStore, SessionManager } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'

const sessions = Number(process.argv[2] ?? 10_000)
const requests = 20_000

async function app(): Promise<Hono<SessionEnv>> {
  const keys = await JwtKeySet.fromJson({ keys: [await generateJwtKey('EdDSA', { kid: 'k' })] })
  const manager = new SessionManager({
    store: new MemoryStore(),
    secret: 'probe-secret-probe-secret-probe-secret!!',
    format: 'jwt',
    jwt: { keys, issuer: 'probe', audience: 'probe' },
  })
  const hono = new Hono<SessionEnv>()
  hono.use(session(manager))
  hono.get('/login', async (c) => {
    await c.var.session.set('user', 'probe')
    return c.json({ ok: true })
  })
  hono.get('/', async (c) => c.json({ user: (await c.var.session.get('user')) ?? null }))
  return hono
}

async function login(hono: Hono<SessionEnv>): Promise<string> {
  const res = await hono.request('/login')
  const cookie = res.headers.get('set-cookie')?.split(';')[0]
  if (cookie === undefined) throw new Error('no session cookie')
  return cookie
}

async function read(hono: Hono<SessionEnv>, cookie: string): Promise<void> {
  const res = await hono.request('/', { headers: { cookie } })
  if ((await res.json()).user !== 'probe') throw new Error('session not read')
}

async function perRequest(hono: Hono<SessionEnv>, cookie: string): Promise<number> {
  for (let i = 0; i < 2_000; i++) await read(hono, cookie)
  const started = process.hrtime.bigint()
  for (let i = 0; i < requests; i++) await read(hono, cookie)
  return Number(process.hrtime.bigint() - started) / requests / 1000
}

const single = await app()
const alone = await perRequest(single, await login(single))

const full = await app()
const cookies: string[] = []
for (let i = 0; i < sessions; i++) cookies.push(await login(full))
// Each token verified once: the verified-token cache now holds `sessions` entries.
for (const cookie of cookies) await read(full, cookie)
const hot = await perRequest(full, cookies[0] as string)

console.log(`jwt-hot-token: one session: ${alone.toFixed(1)} µs per request`)
console.log(
  `jwt-hot-token: ${sessions} tokens in the cache, one sent again and again: ${hot.toFixed(1)} µs per request`,
)
