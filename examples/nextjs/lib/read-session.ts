import { type AuthUser, getSessionUser, type Session } from '@tessera/core'
import { headers } from 'next/headers'
import { forbidden } from 'next/navigation'
import { clientAddress } from './client-address'
import { requestOrigin } from './request-origin'
import { tessera } from './tessera'

/**
 * The request's session for a Server Component, read-only. Server Components cannot
 * set cookies, so this session is never committed: nothing it does is saved, no sliding
 * renewal, no new row for an anonymous visitor. Changes belong in Server Actions
 * (`sessionAction`) or route handlers (`route`). Only the cookie is read: a browser
 * rendering a page sends no `X-Session-Token`.
 */
export async function readSession(): Promise<Session> {
  // headers() first: while `next build` prerenders, it ends the attempt before
  // anything opens a database.
  const h = await headers()
  const t = tessera()
  // A Host outside ALLOWED_HOSTS (DNS rebinding) gets the 403 page, no session read.
  const origin = requestOrigin(h, t.trustProxy, t.hosts)
  if (!origin) forbidden()
  await t.ready
  return t.manager.open({
    cookie: h.get('cookie'),
    header: () => null,
    secure: origin.secure,
    userAgent: h.get('user-agent'),
    ip: clientAddress(h),
  })
}

/**
 * The logged-in user of the request, or `null`, for Server Components. Throws
 * `StoreError` when the store is down (see `app/hello/page.tsx` for the answer).
 */
export async function currentUser(session?: Session): Promise<AuthUser | null> {
  return getSessionUser(session ?? (await readSession()), tessera().users)
}
