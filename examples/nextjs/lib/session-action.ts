import { checkCsrf, resolveCsrfOptions, type Session } from '@tessera/core'
import { cookies, headers } from 'next/headers'
import { forbidden } from 'next/navigation'
import { clientAddress } from './client-address'
import { requestOrigin } from './request-origin'
import { setCookieOptions } from './set-cookie-options'
import { type Tessera, tessera } from './tessera'

/** What the body of a {@link sessionAction} receives. */
export interface ActionContext {
  session: Session
  tessera: Tessera
  client: string
}

/**
 * Runs the body of a Server Action with the request's session, after Django's CSRF
 * check, then saves the session and sets its cookies through `cookies()`. First of all,
 * a `Host` outside `ALLOWED_HOSTS` is refused (`forbidden()`): the CSRF check's own
 * origin is built from `Host`, and Next.js's Origin-equals-Host check passes a DNS
 * rebinding page, whose `Origin` and `Host` both name the attacker's domain.
 *
 * Next.js already refuses an action whose `Origin` host differs from `Host` (unless
 * listed in `serverActions.allowedOrigins`), but it lets through a request without
 * `Origin`, compares hosts only (an `http:` origin passes on an `https:` site) and
 * accepts wildcard origins. Tessera's check adds what that leaves open: a masked token
 * bound to the session (the form's `csrfmiddlewaretoken` field, rendered by the page from
 * the session), `Sec-Fetch-Site: cross-site` refused, the exact scheme-and-host origin
 * (`TRUSTED_ORIGINS`), and the Referer on HTTPS. A refused action answers 403
 * (`forbidden()`) and changes nothing. Only the cookie authenticates an action: a
 * browser form never sends `X-Session-Token`.
 *
 * A store failure answers the page's error boundary; Server Actions cannot set a 503.
 *
 * @example
 * ```ts
 * 'use server'
 * export async function logout(form: FormData): Promise<void> {
 *   await sessionAction(form, ({ session, tessera, client }) =>
 *     tessera.management.logout(session, client))
 *   redirect('/login')
 * }
 * ```
 */
export async function sessionAction<T>(
  form: FormData,
  body: (context: ActionContext) => Promise<T>,
): Promise<T> {
  // headers() first: while `next build` prerenders, it ends the attempt before
  // anything opens a database.
  const h = await headers()
  const t = tessera()
  // ALLOWED_HOSTS before anything else: an action cannot answer 400, so forbidden().
  const origin = requestOrigin(h, t.trustProxy, t.hosts)
  if (!origin) forbidden()
  await t.ready
  // Action arguments are whatever the client encoded, not necessarily a FormData.
  if (!(form instanceof FormData)) forbidden()
  const client = clientAddress(h)
  const session = t.manager.open({
    cookie: h.get('cookie'),
    header: () => null,
    secure: origin.secure,
    userAgent: h.get('user-agent'),
    ip: client,
  })
  const failure = await checkCsrf(
    {
      // Next.js runs actions for POST only.
      method: 'POST',
      url: origin.url,
      headers: h,
      secure: origin.secure,
      bodyToken: async () => {
        const token = form.get('csrfmiddlewaretoken')
        return typeof token === 'string' ? token : undefined
      },
    },
    session,
    resolveCsrfOptions({ trustedOrigins: t.trustedOrigins }),
  )
  if (failure) {
    console.warn(`Server Action refused: ${failure.code}`)
    forbidden()
  }
  const result = await body({ session, tessera: t, client })
  const commit = await t.manager.commit(session)
  const jar = await cookies()
  for (const header of commit.setCookie) {
    const { name, value, options } = setCookieOptions(header)
    jar.set(name, value, options)
  }
  return result
}
