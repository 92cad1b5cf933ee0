import {
  authenticate,
  getCsrfToken,
  getSessionUser,
  type LoginThrottle,
  login,
  logout,
  type PasswordHasher,
  safeRedirectPath,
} from '@tessera/core'
import { requireUser, type SessionEnv } from '@tessera/hono'
import { type Context, Hono } from 'hono'
import type { DemoUser, SqliteUsers } from './users.js'

/** What the demo API needs. */
export interface ApiDeps {
  users: SqliteUsers
  hasher: PasswordHasher
  throttle: LoginThrottle
  /** The client address used for throttling (from the socket, or a trusted proxy header). */
  clientIp: (c: Context<SessionEnv>) => string
}

// Django's username limit; a password cap keeps hashing cost bounded for hostile input.
const MAX_USERNAME = 150
const MAX_PASSWORD = 4096

const publicUser = (user: DemoUser) => ({ id: user.id, username: user.username })

/**
 * The session-auth API of seeds 003/004: csrf, login, logout, me and hello, JSON in
 * and out. CSRF is enforced by the `csrf()` middleware in front of it.
 */
export function createApi(deps: ApiDeps): Hono<SessionEnv> {
  const { users, hasher, throttle, clientIp } = deps
  const api = new Hono<SessionEnv>()

  api.get('/csrf/', async (c) => c.json({ csrfToken: await getCsrfToken(c.var.session) }))

  // Seed 000: a header token for clients that cannot keep cookies (webviews, sandboxed
  // iframes). Every endpoint below accepts it in X-Session-Token instead of the cookie.
  api.get('/session-token/', async (c) =>
    c.json({ sessionToken: await c.var.session.getSessionToken() }),
  )

  api.post('/login/', async (c) => {
    // JSON only: a cross-site form can send text/plain or urlencoded bodies without a
    // preflight, never application/json.
    const type = c.req.header('content-type') ?? ''
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return c.json({ detail: 'Unsupported media type in request; send application/json.' }, 415)
    }
    let body: unknown
    try {
      body = await c.req.json()
    } catch {
      return c.json({ detail: 'JSON parse error.' }, 400)
    }
    const { username, password } = (
      typeof body === 'object' && body !== null ? body : {}
    ) as Record<string, unknown>
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
      return c.json({ detail: 'Both "username" and "password" are required.' }, 400)
    }
    if (username.length > MAX_USERNAME || password.length > MAX_PASSWORD) {
      return c.json({ detail: 'Username or password too long.' }, 400)
    }
    const client = clientIp(c)
    const decision = await throttle.check(username, client)
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfter))
      return c.json(
        {
          detail: 'Too many failed login attempts. Try again later.',
          retryAfter: decision.retryAfter,
        },
        429,
      )
    }
    const user = await authenticate({ users, hasher }, username, password)
    if (!user) {
      await throttle.failed(username, client)
      return c.json({ detail: 'Invalid username or password.' }, 401)
    }
    await throttle.succeeded(username, client)
    await login(c.var.session, user)
    const next = c.req.query('next')
    return c.json({
      user: publicUser(user),
      ...(next === undefined ? {} : { next: safeRedirectPath(next) }),
      // Login rotated every credential, the header token included: a cookieless client
      // gets its new token here.
      ...(c.var.session.loadedFromSessionToken
        ? { sessionToken: await c.var.session.getSessionToken() }
        : {}),
    })
  })

  api.post('/logout/', async (c) => {
    await logout(c.var.session)
    // Also ask the browser to drop everything it keeps for this origin (SECURITY.md).
    c.header('Clear-Site-Data', '"cache", "cookies", "storage"')
    return c.json({ detail: 'Logged out.' })
  })

  api.get('/me/', async (c) => {
    const user = await getSessionUser(c.var.session, users)
    return c.json({ user: user ? publicUser(user) : null })
  })

  // Cookie or header token, either works: seed 000's SessionTokenAuthentication.
  api.get('/hello/', requireUser(users), (c) => c.json({ message: `Hello ${c.var.user.username}` }))

  // Django's require_POST: the other methods are refused, never treated as a logout.
  for (const path of ['/login/', '/logout/']) {
    api.all(path, (c) =>
      c.json({ detail: `Method "${c.req.method}" not allowed.` }, 405, { Allow: 'POST' }),
    )
  }
  api.all('*', (c) => c.json({ detail: 'Not found' }, 404))
  return api
}
