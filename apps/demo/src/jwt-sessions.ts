import {
  disallowedHostResponse,
  introspectionEndpoint,
  JWKS_PATH,
  JwtKeySet,
  jwksResponse,
  resolveAllowedHosts,
  type SessionManager,
  type SessionManagerOptions,
} from '@tessera/core'
import { Hono } from 'hono'
import type { JwtDemoConfig } from './jwt-config.js'
import { readOrCreateJwtKeySet } from './jwt-key-file.js'
import { jwtKeySetFromPemFile } from './jwt-pem-file.js'

/** Where the demo answers RFC 7662-style introspection requests (outside `/api`: see below). */
export const INTROSPECTION_PATH = '/introspect/'

/** User properties every session JWT carries for the federated services. */
const JWT_FIELDS = ['username'] as const

/**
 * The `SessionManager` options for the demo's session format: nothing for `opaque`;
 * for `jwt`, the key set read from `config.keysFile` (generated with one EdDSA key on
 * first start at the default location) or the PEM key of `config.keyFile`, and the issuer, audience, ttl and `username`
 * field. Throws at startup when the key file cannot be read or holds no signing key.
 *
 * @example
 * ```ts
 * const manager = new SessionManager({ store, secret, ...(await jwtSessionOptions(config.jwt)) })
 * ```
 */
export async function jwtSessionOptions(
  config: JwtDemoConfig,
): Promise<Pick<SessionManagerOptions, 'format' | 'jwt'>> {
  if (config.format !== 'jwt') return {}
  const keys =
    config.keyFile === undefined
      ? await JwtKeySet.fromJson(
          await readOrCreateJwtKeySet(config.keysFile, { create: config.createKeys }),
        )
      : await jwtKeySetFromPemFile(config.keyFile)
  return {
    format: 'jwt',
    jwt: {
      keys,
      issuer: config.issuer,
      audience: config.audience,
      fields: JWT_FIELDS,
      ...(config.ttl === undefined ? {} : { ttl: config.ttl }),
    },
  }
}

/**
 * Puts the JWT routes in front of the demo app: `GET /.well-known/jwks.json` (the core's
 * `jwksResponse`) and, with `INTROSPECTION_SECRET`, `POST /introspect/`. Both
 * run before the app's session and CSRF middleware — the JWKS needs no session, and the
 * introspection caller is a service with a credential, not a browser with cookies (CSRF
 * protects cookies; this request carries none). They live outside `/api`, so they stay
 * on Hono whatever `DEMO_ADAPTER` serves the API. Everything else goes to `app`
 * unchanged, with the server's bindings (for the client address). With `allowedHosts`
 * (`ALLOWED_HOSTS`), a request for another host gets `400` here, before either route:
 * they run ahead of the app's session middleware, which checks it for everything else.
 * With opaque cookies (`SESSION_FORMAT` unset) there are no such routes and `app` itself
 * is returned.
 *
 * @example
 * ```ts
 * const root = withJwtRoutes(app, manager, config.jwt, config.allowedHosts)
 * serve({ fetch: root.fetch, port: 3000 })
 * ```
 */
export function withJwtRoutes(
  app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> },
  manager: SessionManager,
  config: JwtDemoConfig,
  allowedHosts?: readonly string[],
): { fetch: (request: Request, env?: unknown) => Response | Promise<Response> } {
  // Opaque cookies publish no keys: the app answers alone, without a second router
  // dispatching every request to it.
  if (config.format !== 'jwt') return app
  const root = new Hono()
  const hosts = allowedHosts === undefined ? undefined : resolveAllowedHosts(allowedHosts)
  if (hosts) {
    root.use(async function demoAllowedHosts(c, next) {
      if (!hosts.allowsUrl(c.req.url)) return disallowedHostResponse()
      await next()
    })
  }
  root.get(JWKS_PATH, () => jwksResponse(manager))
  if (config.introspectionSecret !== undefined) {
    const introspect = introspectionEndpoint({
      manager,
      credentials: [config.introspectionSecret],
    })
    root.all(INTROSPECTION_PATH, (c) => introspect(c.req.raw))
  }
  root.all('*', (c) => app.fetch(c.req.raw, c.env))
  return root
}
