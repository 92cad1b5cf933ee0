import { getCsrfToken, type ListedSession, StoreError } from '@tessera/core'
import { redirect } from 'next/navigation'
import { currentUser, readSession } from '../../lib/read-session'
import { tessera } from '../../lib/tessera'
import { endSession, logout } from '../actions'

/**
 * The protected page. `proxy.ts` already sent visitors without a session cookie to the
 * login page; this Server Component checks the session itself (the cookie may be dead)
 * and only reads it: the CSRF token it renders into the forms comes from the secret that
 * login stored in the session, so nothing here needs saving.
 */
export default async function HelloPage() {
  let view: { username: string; token: string; sessions: ListedSession[] } | null
  try {
    const session = await readSession()
    const user = await currentUser(session)
    view = user && {
      username: user.username,
      token: await getCsrfToken(session),
      sessions: await tessera().management.list(session),
    }
  } catch (e) {
    // Server Components cannot answer 503; say what happened instead of a stack.
    if (!(e instanceof StoreError)) throw e
    return (
      <main>
        <h1>Session store unavailable</h1>
        <p>Try again in a moment.</p>
      </main>
    )
  }
  if (!view) redirect('/login/?next=/hello/')
  const { username, token, sessions } = view

  return (
    <main>
      <h1>Hello {username}</h1>
      <form action={logout}>
        <input type="hidden" name="csrfmiddlewaretoken" value={token} />
        <button type="submit">Log out</button>
      </form>
      <h2>Your sessions</h2>
      <ul>
        {sessions.map((s) => (
          <li key={s.id} data-session={s.current ? 'current' : 'other'}>
            {s.label}
            {s.current ? ' (this one)' : ''} — last seen{' '}
            {new Date(s.lastSeenAt).toISOString().slice(0, 16).replace('T', ' ')} UTC
            <form action={endSession} style={{ display: 'inline', marginLeft: '1em' }}>
              <input type="hidden" name="csrfmiddlewaretoken" value={token} />
              <input type="hidden" name="id" value={s.id} />
              <button type="submit">End</button>
            </form>
          </li>
        ))}
      </ul>
    </main>
  )
}
