import { disallowedHostResponse, type Session } from '@tessera/core'
import { withSession } from '@tessera/web'
import { clientAddress } from './client-address'
import { requestOrigin } from './request-origin'
import { type Tessera, tessera } from './tessera'

/** What a route handler written with {@link route} receives. */
export interface RouteContext {
  session: Session
  tessera: Tessera
  /** The client address (see `clientAddress`). */
  client: string
}

/**
 * A Next.js route handler with a Tessera session and Django's CSRF check on unsafe
 * methods: `withSession` from `@tessera/web` with `allowedHosts` and `csrf`, built on the
 * first request (not at import, which `next build` does) and reused after. A `Host`
 * outside `ALLOWED_HOSTS` gets `400 {"code": "DISALLOWED_HOST"}` before anything else.
 * Every other answer is `Cache-Control: no-store`.
 *
 * @example
 * ```ts
 * // app/api/me/route.ts
 * export const GET = route(async (_request, { session, tessera }) =>
 *   Response.json({ user: (await getSessionUser(session, tessera.users))?.username ?? null }))
 * ```
 */
export function route(
  handler: (request: Request, context: RouteContext) => Promise<Response>,
): (request: Request) => Promise<Response> {
  let wrapped: ((request: Request) => Promise<Response>) | undefined
  return async (request) => {
    const t = tessera()
    // Django's ALLOWED_HOSTS, before anything else: 400 for a Host the app does not
    // serve (DNS rebinding), with no session opened and no cookie set.
    const origin = requestOrigin(request.headers, t.trustProxy, t.hosts)
    if (!origin) return disallowedHostResponse()
    await t.ready
    wrapped ??= withSession(
      t.manager,
      (req, { session }) =>
        handler(req, { session, tessera: t, client: clientAddress(req.headers) }),
      {
        // Checked again by the lifecycle, on the URL rebuilt below.
        allowedHosts: t.allowedHosts,
        csrf: { trustedOrigins: t.trustedOrigins },
        trustProxy: t.trustProxy,
        clientIp: (req) => clientAddress(req.headers),
      },
    )
    // Next.js gives route handlers a URL made of the address `next start` bound to, not
    // the one the browser used; the CSRF Origin check needs the latter, as Django's
    // get_host() and Next.js's own Server Action check use Host.
    const { pathname, search } = new URL(request.url)
    const init: RequestInit & { duplex?: 'half' } = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      duplex: 'half',
    }
    const response = await wrapped(new Request(new URL(pathname + search, origin.url), init))
    return noStore(response)
  }
}

/**
 * Every answer of a route handler is about one visitor's session (`/api/me/`, a CSRF
 * token): `no-store`, as the demo's API, since `Vary: Cookie` alone does not stop a disk
 * cache or one that ignores `Vary`, and Next.js adds no `Cache-Control` to route handlers.
 * An answer that already says `no-store` (`private, no-store` for header tokens) is kept.
 */
function noStore(response: Response): Response {
  if (/(^|,)\s*no-store\s*(,|$)/i.test(response.headers.get('cache-control') ?? '')) {
    return response
  }
  try {
    response.headers.set('cache-control', 'no-store')
    return response
  } catch {
    // Immutable headers (Response.redirect()): a copy takes the header.
    const copy = new Response(response.body, response)
    copy.headers.set('cache-control', 'no-store')
    return copy
  }
}
