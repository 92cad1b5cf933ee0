import { type NextRequest, NextResponse } from 'next/server'
import { SESSION_COOKIE } from './lib/session-cookie'

/**
 * Next.js 16's `proxy.ts` (the file formerly called `middleware.ts`; Next.js 16 runs it
 * on Node.js only): anonymous visitors of protected pages go to the login page, with
 * `next` set to where they were going. It only looks for the session cookie — no store
 * round trip, no import of the session manager — so the common anonymous case costs
 * nothing. A cookie that is present but dead, forged or expired passes here and is
 * caught by the page itself (`currentUser()` then `redirect`): the proxy is a shortcut,
 * never the check.
 */
export function proxy(request: NextRequest): NextResponse {
  if (request.cookies.get(SESSION_COOKIE)?.value) return NextResponse.next()
  const login = new URL('/login/', request.url)
  login.searchParams.set('next', request.nextUrl.pathname)
  return NextResponse.redirect(login, 303)
}

/** The protected pages. */
export const config = { matcher: ['/hello', '/hello/:path*'] }
