import { safeRedirectPath } from '@tessera/core'
import { readJsonObject } from '../../../lib/read-json'
import { route } from '../../../lib/route'

// Django's username limit; a password cap keeps hashing cost bounded for hostile input.
const MAX_USERNAME = 150
const MAX_PASSWORD = 4096

/**
 * The demo's login: JSON `{ username, password }` with an `X-CSRFToken` from
 * `/api/csrf/`, throttled per account and per client, the session rotated (new id, new
 * CSRF secret, new header token) on success. `?next=` comes back as a same-origin path.
 */
export const POST = route(async (request, { session, tessera, client }) => {
  const body = await readJsonObject(request)
  if (!body.ok) return body.response
  const { username, password } = body.fields
  if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
    return Response.json(
      { detail: 'Both "username" and "password" are required.' },
      { status: 400 },
    )
  }
  if (username.length > MAX_USERNAME || password.length > MAX_PASSWORD) {
    return Response.json({ detail: 'Username or password too long.' }, { status: 400 })
  }
  const decision = await tessera.throttle.check(username, client)
  if (!decision.allowed) {
    return Response.json(
      {
        detail: 'Too many failed login attempts. Try again later.',
        retryAfter: decision.retryAfter,
      },
      { status: 429, headers: { 'Retry-After': String(decision.retryAfter) } },
    )
  }
  const user = await tessera.management.authenticate(username, password, client)
  if (!user) {
    await tessera.throttle.failed(username, client)
    return Response.json({ detail: 'Invalid username or password.' }, { status: 401 })
  }
  await tessera.throttle.succeeded(username, client)
  await tessera.management.login(session, user, client)
  const next = new URL(request.url).searchParams.get('next')
  return Response.json({
    user: { id: user.id, username: user.username },
    ...(next === null ? {} : { next: safeRedirectPath(next) }),
    // Login rotated every credential, the header token included.
    ...(session.loadedFromSessionToken ? { sessionToken: await session.getSessionToken() } : {}),
  })
})
