import { randomBytes } from 'node:crypto'
import { MemoryStore, SessionManager, type SessionRecord, sessionAuthHash } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'
import { benchSecret } from './bench-secret.js'

const userAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'

/**
 * The record of a logged-in session exactly as Tessera stores it: a real login (user id,
 * session auth hash, `user` in the data) through the Hono adapter into a `MemoryStore`,
 * read back. The scale script stores copies of it with fresh ids and credentials.
 */
export async function loggedInRecord(): Promise<SessionRecord> {
  const store = new MemoryStore()
  const manager = new SessionManager({ store, secret: benchSecret })
  const authHash = await sessionAuthHash(manager.keys, `scrypt$${'0'.repeat(88)}`)
  const app = new Hono<SessionEnv>()
  app.use(session(manager))
  app.get('/login', async (c) => {
    await c.var.session.setUser('user-1', authHash)
    await c.var.session.set('user', 'bench')
    return c.json({ ok: true })
  })
  const response = await app.request('http://127.0.0.1/login', {
    headers: { 'user-agent': userAgent },
  })
  if (response.status !== 200) throw new Error(`the template login answered ${response.status}`)
  for await (const page of store.scan?.() ?? []) {
    const record = page[0]
    // app.request has no client address; a served request records one.
    if (record) return { ...record, meta: { ...record.meta, ip: '203.0.113.7' } }
  }
  throw new Error('the template login stored no session')
}

/**
 * Copy number `i` of `template`: a fresh id and fresh credential hashes of the same
 * lengths (random, so a store's index sees what it sees in production), user
 * `scale-user-<i>`, and its times moved so that it was created at `createdAt`.
 */
export function scaleRecord(template: SessionRecord, i: number, createdAt: number): SessionRecord {
  const shift = createdAt - template.createdAt
  const credentials: Record<string, string> = {}
  for (const [name, value] of Object.entries(template.credentials)) {
    credentials[name] = randomLike(value)
  }
  return {
    ...template,
    id: randomLike(template.id),
    userId: `scale-user-${i}`,
    credentials,
    createdAt,
    lastSeenAt: template.lastSeenAt + shift,
    idleExpiresAt: template.idleExpiresAt + shift,
    absoluteExpiresAt: template.absoluteExpiresAt + shift,
  }
}

/** A random base64url string as long as `like`. */
function randomLike(like: string): string {
  return randomBytes(Math.ceil((like.length * 3) / 4) + 1)
    .toString('base64url')
    .slice(0, like.length)
}
