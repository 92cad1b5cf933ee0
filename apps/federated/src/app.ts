import { type Context, Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import type { IntrospectionVerdict } from './introspection-client.js'
import type { VerifyResult } from './token-verifier.js'

/** What the federated app is built from. */
export interface FederatedAppDeps {
  /** Checks a token against the JWKS (see `createTokenVerifier`). */
  verify: (token: string) => Promise<VerifyResult>
  /** When set, a token that verifies must also be active at the app (immediate revocation). */
  introspect?: (token: string) => Promise<IntrospectionVerdict>
  /** The cookie carrying the session JWT. */
  cookieName: string
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i

/**
 * The federated service: `GET /whoami` answers the verified claims (all but `sid`, the
 * app's session credential) of the session JWT
 * from `Authorization: Bearer <jwt>` or, without that header, from the session cookie;
 * `401` JSON (with `WWW-Authenticate: Bearer`, RFC 6750 §3) when there is none, it
 * does not verify, or it is an anonymous session's (no `sub`), `503` when the keys or
 * the introspection endpoint cannot be reached.
 * It never sees the session store: it trusts the signature, and in introspection mode
 * the app's word.
 *
 * @example
 * ```ts
 * const app = createFederatedApp({ verify, cookieName: 'sessionid' })
 * const res = await app.request('/whoami', { headers: { authorization: `Bearer ${jwt}` } })
 * ```
 */
export function createFederatedApp(deps: FederatedAppDeps): Hono {
  const app = new Hono()

  app.get('/whoami', async (c) => {
    c.header('Cache-Control', 'no-store')
    c.header('Vary', 'Authorization, Cookie')
    const authorization = c.req.header('authorization')
    let token: string | undefined
    if (authorization !== undefined) {
      // A malformed Authorization header is an error, not a reason to fall back to the
      // cookie: the client meant to authenticate with it.
      token = BEARER.exec(authorization)?.[1]
      if (token === undefined)
        return unauthorized(c, 'invalid_request', 'Malformed Authorization header.')
    } else {
      token = cookieToken(c, deps.cookieName)
    }
    if (token === undefined)
      return unauthorized(c, undefined, 'Authentication credentials were not provided.')

    const verified = await deps.verify(token)
    if (!verified.ok) {
      if (verified.reason === 'unavailable')
        return unavailable(c, 'The signing keys cannot be fetched.')
      return unauthorized(
        c,
        'invalid_token',
        verified.reason === 'expired' ? 'The token has expired.' : 'The token is not valid.',
      )
    }
    // An anonymous session (a visitor's cart) has a session JWT too, without `sub`: it
    // names nobody, so it authenticates nobody here.
    const sub = verified.claims.sub
    if (typeof sub !== 'string' || sub === '')
      return unauthorized(c, 'invalid_token', 'The session is not logged in.')
    if (deps.introspect) {
      const verdict = await deps.introspect(token)
      if (verdict === 'unavailable')
        return unavailable(c, 'The session cannot be checked right now.')
      if (verdict === 'inactive') return unauthorized(c, 'invalid_token', 'The session has ended.')
    }
    // `sid` is the app's session credential inside the token: meaningless here, and a
    // credential is never echoed into a response body (logs, caches, browser devtools).
    const { sid: _sid, ...claims } = verified.claims
    return c.json({ claims })
  })

  app.all('*', (c) => c.json({ detail: 'Not found' }, 404))
  return app
}

function unauthorized(c: Context, error: string | undefined, detail: string): Response {
  c.header('WWW-Authenticate', error ? `Bearer error="${error}"` : 'Bearer')
  return c.json({ detail }, 401)
}

function unavailable(c: Context, detail: string): Response {
  c.header('Retry-After', '5')
  return c.json({ detail }, 503)
}

// A hostile Cookie header must only ever mean "no token", never an exception.
function cookieToken(c: Context, name: string): string | undefined {
  try {
    return getCookie(c, name) || undefined
  } catch {
    return undefined
  }
}
