import { safeRedirectPath } from '@tessera/core'
import { redirect } from 'next/navigation'
import { currentUser } from '../../lib/read-session'
import { LoginForm } from './login-form'

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const raw = (await searchParams).next
  // Only a same-origin path: `//evil.com`, `/\evil.com`, `javascript:` fall back to `/`.
  const next = safeRedirectPath(typeof raw === 'string' ? raw : '/hello/')
  if (await currentUser()) redirect(next)
  return (
    <main>
      <h1>Log in</h1>
      <LoginForm next={next} />
    </main>
  )
}
