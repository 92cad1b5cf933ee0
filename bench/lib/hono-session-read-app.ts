import { hash, randomBytes } from 'node:crypto'
import { Hono } from 'hono'

/** What the app keeps per session: the hash of its secret, when it expires, its data. */
interface KeptSession {
  secretHash: string
  expiresAt: number
  user: string
}

// Tessera's credential: a 22-character id and a 43-character secret, base64url.
const CREDENTIAL = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/
const PREFIX = 'sessionid='

/** The `sessionid` value of a `Cookie` header: the first pair of that name. */
function sessionCookie(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const at = header.startsWith(PREFIX) ? 0 : header.indexOf(`; ${PREFIX}`) + 2
  if (at === 1) return undefined
  const start = at + PREFIX.length
  const end = header.indexOf(';', start)
  return header.slice(start, end === -1 ? header.length : end).trim()
}

/** Whether two strings are equal, in time that depends only on their lengths. */
function sameInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) {
    diff |= String.prototype.charCodeAt.call(a, i) ^ String.prototype.charCodeAt.call(b, i)
  }
  return diff === 0
}

/**
 * Bare Hono plus the least a correct session read does, written inline: no session
 * library. One async middleware takes the `sessionid` cookie, checks the credential's
 * format, looks its id up in a `Map`, checks the expiry, hashes the secret with SHA-256
 * and compares that with the kept hash in constant time, then sets the user as a
 * variable and awaits `next()`; an async handler answers it. `GET /login` keeps a new
 * session and sets its cookie. No `Vary`, no sliding expiry, no rotation, no events:
 * what any session layer must pay on Hono for reading a session from memory, to set
 * against what Tessera pays (`hono-middleware` is the same app without the read). The
 * `hono-session-read` scenario of `bench:instructions` is this app.
 *
 * @example
 * ```ts
 * const listener = getRequestListener(honoSessionReadApp().fetch)
 * ```
 */
export function honoSessionReadApp(): Hono<{ Variables: { user: string | null } }> {
  const sessions = new Map<string, KeptSession>()
  const app = new Hono<{ Variables: { user: string | null } }>()
  app.get('/login', (c) => {
    const id = randomBytes(16).toString('base64url') // 22 characters
    const secret = randomBytes(32).toString('base64url')
    sessions.set(id, {
      secretHash: hash('sha256', secret, 'base64url'),
      expiresAt: Date.now() + 3_600_000,
      user: 'bench',
    })
    c.header('set-cookie', `${PREFIX}${id}.${secret}; HttpOnly; Path=/`)
    return c.json({ ok: true })
  })
  app.use(async (c, next) => {
    let user: string | null = null
    const raw = sessionCookie(c.req.header('cookie'))
    if (raw !== undefined && CREDENTIAL.test(raw)) {
      const kept = sessions.get(raw.slice(0, 22))
      if (
        kept !== undefined &&
        Date.now() < kept.expiresAt &&
        sameInConstantTime(hash('sha256', raw.slice(23), 'base64url'), kept.secretHash)
      ) {
        user = kept.user
      }
    }
    c.set('user', user)
    await next()
  })
  app.get('/', async (c) => c.json({ user: c.var.user }))
  return app
}
