'use client'

import { type FormEvent, useState } from 'react'

/**
 * Logs in through the route handlers, as a SPA would: a CSRF token from `/api/csrf/`,
 * then `POST /api/login/` with it in `X-CSRFToken`. A full navigation afterwards, so the
 * Server Components render with the new session cookie.
 */
export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    setBusy(true)
    setError('')
    const fields = new FormData(event.currentTarget)
    try {
      const csrf = await fetch('/api/csrf/').then((r) => r.json())
      const response = await fetch(`/api/login/?next=${encodeURIComponent(next)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf.csrfToken },
        body: JSON.stringify({
          username: fields.get('username'),
          password: fields.get('password'),
        }),
      })
      const body = await response.json()
      if (!response.ok) throw new Error(body.detail ?? `Login failed (${response.status}).`)
      window.location.assign(body.next ?? '/hello/')
    } catch (e) {
      setError((e as Error).message)
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit}>
      <p>
        <label>
          Username <input name="username" autoComplete="username" required />
        </label>
      </p>
      <p>
        <label>
          Password{' '}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
      </p>
      <button type="submit" disabled={busy}>
        Log in
      </button>
      {error ? <p role="alert">{error}</p> : null}
    </form>
  )
}
