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
  // The attempt takes its place on the throttle's counters before the password is
  // checked: a parallel burst gets no more password checks than the limit.
  const attempt = await tessera.throttle.reserve(username, client)
  if (!attempt.allowed) {
    return Response.json(
      {
        detail: 'Too many failed login attempts. Try again later.',
        retryAfter: attempt.retryAfter,
      },
      { status: 429, headers: { 'Retry-After': String(attempt.retryAfter) } },
    )
  }
  const user = await tessera.management.authenticate(username, password, client)
  // A wrong password needs no call: the place the attempt holds is the failure.
  if (!user) return Response.json({ detail: 'Invalid username or password.' }, { status: 401 })
  await attempt.succeeded()
  await tessera.management.login(session, user, client)
  const next = new URL(request.url).searchParams.get('next')
  return Response.json({
    user: { id: user.id, username: user.username },
    ...(next === null ? {} : { next: safeRedirectPath(next) }),
    // Login rotated every credential, the header token included.
    ...(session.loadedFromSessionToken ? { sessionToken: await session.getSessionToken() } : {}),
  })
})
