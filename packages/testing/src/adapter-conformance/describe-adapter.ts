import type { AuthUser, UserProvider } from '@tessera/core'
import { ConfigError, MemoryStore, SessionManager, SharedSessions } from '@tessera/core'
import { afterEach, describe } from 'vitest'
import type { AdapterApp, AdapterSetupOptions } from './adapter-harness.js'
import { concurrencyCases } from './cases/concurrency-cases.js'
import { cookieCases } from './cases/cookie-cases.js'
import { csrfCases } from './cases/csrf-cases.js'
import { hostileInputCases } from './cases/hostile-input-cases.js'
import { httpHardeningCases } from './cases/http-hardening-cases.js'
import { jwtCases } from './cases/jwt-cases.js'
import { lifecycleCases } from './cases/lifecycle-cases.js'
import { proxyCases } from './cases/proxy-cases.js'
import { storeFailureCases } from './cases/store-failure-cases.js'
import { tokenCases } from './cases/token-cases.js'
import { userCases } from './cases/user-cases.js'
import {
  type AdapterSuiteContext,
  buildRequest,
  HTTPS,
  JWT_AUDIENCE,
  JWT_ISSUER,
  type OpenApp,
  type OpenOptions,
  SECRET,
  type Send,
} from './suite-context.js'

/** The groups of cases {@link describeAdapter} can run. */
export type AdapterCaseGroup =
  | 'cookies'
  | 'csrf'
  | 'header-tokens'
  | 'store-failure'
  | 'concurrency'
  | 'hostile-input'
  | 'jwt'
  | 'http-hardening'
  | 'lifecycle'
  | 'proxy'
  | 'users'

const ALL_GROUPS: readonly AdapterCaseGroup[] = [
  'cookies',
  'csrf',
  'header-tokens',
  'store-failure',
  'concurrency',
  'hostile-input',
  'jwt',
  'http-hardening',
  'lifecycle',
  'proxy',
  'users',
]

/** Options of {@link describeAdapter}. */
export interface AdapterSuiteOptions {
  /**
   * The adapter serves on a real socket: `setup` must return `url`, and the
   * concurrency case then runs over real HTTP (the global `fetch`) to that URL instead
   * of through `AdapterApp.fetch`. Every other case still uses `AdapterApp.fetch`.
   * @default false
   */
  realPort?: boolean
  /**
   * Which groups of cases to run, e.g. only `['concurrency']` for a second, real-port
   * registration of the same adapter.
   * @default every group
   */
  cases?: readonly AdapterCaseGroup[]
  /**
   * How many writers race on one session.
   * @default 100
   */
  concurrency?: number
  /**
   * How many random Cookie headers fast-check tries.
   * @default 1000
   */
  hostileRuns?: number
}

/**
 * Registers the conformance suite every framework adapter must pass, as one vitest
 * `describe` block named `name`. The suite sees the adapter only through HTTP: for
 * each test it builds a {@link SessionManager} over a store it controls (a fresh
 * `MemoryStore`, or one it makes reject or hang, with a short `storeTimeout`) and asks
 * `setup` for an app that mounts that manager with the adapter's middleware and
 * implements the routes of {@link AdapterRoutes}. Apps are closed after each test.
 *
 * Cases, grouped as in {@link AdapterCaseGroup}:
 * - `cookies`: the session cookie is `HttpOnly`, `SameSite=Lax`, `Path=/`, has a
 *   `Max-Age`, and is `Secure` only on `https://` URLs; `Vary: Cookie` whenever the
 *   session is read; `Cache-Control: no-store` whenever a credential is set; a route
 *   that never touches the session gets no session header; flush answers `Max-Age=0`;
 *   a redirect response still carries the `Set-Cookie`.
 * - `csrf`: `POST /protected` without a token is `403` JSON with a `code` and sets no
 *   session cookie; with the token from `/csrf-token` and the same `Origin` it is `200`;
 *   an evil `Origin` or `Sec-Fetch-Site: cross-site` is `403`; a bogus
 *   `X-Session-Token` next to a valid cookie does not skip the check.
 * - `header-tokens`: an `X-Session-Token` client keeps its session without cookies,
 *   and a valid token is exempt from CSRF checks.
 * - `store-failure`: a store that rejects answers `503` `STORE_UNAVAILABLE`, one that
 *   hangs answers `503` `STORE_TIMEOUT`; the next request after the store heals works.
 * - `concurrency`: `concurrency` concurrent writers on one session all land.
 * - `hostile-input`: `hostileRuns` random `Cookie` headers (fast-check) never give a 5xx.
 * - `jwt`: with the manager in the `jwt` format, `GET /.well-known/jwks.json` serves only
 *   public keys; the session cookie is a JWS that verifies with that JWKS; a change
 *   re-issues it and a key rotation re-signs it with the new `kid`; logout kills a JWT
 *   that has not expired; a tampered, truncated or unsigned JWT is an anonymous session;
 *   `hostileRuns / 4` random and mutated JWT cookies (fast-check) never give a 5xx.
 * - `http-hardening`: with `allowedHosts`, a request for another host is `400`
 *   `DISALLOWED_HOST` before the session or CSRF layer runs (a spoofed `Host` with a
 *   matching `Origin` no longer passes CSRF); a form body over `bodyLimit` on the CSRF
 *   route is `413` `BODY_TOO_LARGE` at once, by its declared `Content-Length`, without
 *   the CSRF check; a response read through `X-Session-Token` varies on it and is
 *   `private, no-store`; every JSON error body (400, 403, 413, 503) is `nosniff`.
 * - `lifecycle`: a handler that writes the session and then throws, or answers a 5xx,
 *   leaves the store unchanged and sets no session cookie (Django saves nothing on a
 *   5xx); the thrown error reaches the framework's own error path (`POST /throw`).
 * - `proxy`: with `trustProxy` on the entry point alone, `X-Forwarded-Proto: https`
 *   marks the cookie `Secure`, makes `https://…` the expected CSRF origin and the
 *   shared-session site, and the rightmost `X-Forwarded-For` entry (the address the
 *   proxy saw) is the recorded client address; without it both headers are ignored.
 * - `users`: a login-required group (`/members/`, the entry point's `loginRequired`) answers an anonymous request `401` JSON with `WWW-Authenticate:
 *   Session` and lets its explicit opt-out (`GET /members/open`) through; a logged-in
 *   request reaches the handler with the user, looked up once although both the group
 *   and the route guard ask.
 *
 * Needs `vitest` and `fast-check` in the adapter's dev dependencies.
 *
 * @example
 * ```ts
 * import { describeAdapter } from '@tessera/testing'
 *
 * describeAdapter('hono', ({ manager, options }) => {
 *   const app = routes(manager, options) // the AdapterRoutes table under session(manager, options)
 *   return { fetch: async (request) => app.fetch(request) }
 * })
 * ```
 */
export function describeAdapter(
  name: string,
  setup: (options: AdapterSetupOptions) => Promise<AdapterApp> | AdapterApp,
  options: AdapterSuiteOptions = {},
): void {
  const concurrency = options.concurrency ?? 100
  if (!Number.isInteger(concurrency) || concurrency < 2) {
    throw new ConfigError('describeAdapter: "concurrency" must be an integer of at least 2')
  }
  const hostileRuns = options.hostileRuns ?? 1000
  if (!Number.isInteger(hostileRuns) || hostileRuns < 1) {
    throw new ConfigError('describeAdapter: "hostileRuns" must be a positive integer')
  }
  const realPort = options.realPort ?? false
  const groups = new Set(options.cases ?? ALL_GROUPS)
  for (const group of groups) {
    if (!ALL_GROUPS.includes(group)) {
      throw new ConfigError(`describeAdapter: unknown case group ${JSON.stringify(group)}`)
    }
  }

  let opened: AdapterApp[] = []
  const open = async (openOptions: OpenOptions = {}): Promise<OpenApp> => {
    const manager = new SessionManager({
      store: openOptions.store ?? new MemoryStore(),
      secret: SECRET,
      ...(openOptions.storeTimeout === undefined ? {} : { storeTimeout: openOptions.storeTimeout }),
      ...(openOptions.jwt === undefined
        ? {}
        : {
            format: 'jwt' as const,
            jwt: { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, ...openOptions.jwt },
          }),
    })
    const userLookups = { count: 0 }
    const ada: AuthUser = { id: '7', username: 'ada', passwordHash: 'scrypt$unused' }
    const users: UserProvider<AuthUser> = {
      findByUsername: async (name) => (name === 'ada' ? ada : null),
      findById: async (id) => {
        userLookups.count++
        return id === ada.id ? ada : null
      },
      replacePasswordHash: async () => true,
    }
    const app = await setup({
      manager,
      users,
      options: {
        csrf: { exempt: (request) => new URL(request.url).pathname !== '/protected' },
        jwks: true,
        users,
        loginRequired: { paths: ['/members/'], allowAnonymous: ['GET /members/open'] },
        sharedSessions: new SharedSessions({ sites: [HTTPS, 'https://other.test'], key: SECRET }),
        ...(openOptions.allowedHosts === undefined
          ? {}
          : { allowedHosts: openOptions.allowedHosts }),
        ...(openOptions.bodyLimit === undefined ? {} : { bodyLimit: openOptions.bodyLimit }),
        ...(openOptions.trustProxy === undefined ? {} : { trustProxy: openOptions.trustProxy }),
      },
    })
    opened.push(app)
    if (realPort && app.url === undefined) {
      throw new ConfigError('describeAdapter: with realPort, setup must return the server url')
    }
    const send = (path: string, init?: Send): Promise<Response> =>
      app.fetch(buildRequest(path, init))
    const sendOverNetwork = (path: string, init?: Send): Promise<Response> =>
      realPort && app.url !== undefined
        ? fetch(buildRequest(path, { ...init, base: app.url }))
        : send(path, init)
    return { app, send, sendOverNetwork, userLookups }
  }
  const ctx: AdapterSuiteContext = { open, concurrency, hostileRuns, realPort }

  describe(name, () => {
    afterEach(async () => {
      const done = opened
      opened = []
      for (const app of done) await app.close?.()
    })

    if (groups.has('cookies')) cookieCases(ctx)
    if (groups.has('csrf')) csrfCases(ctx)
    if (groups.has('header-tokens')) tokenCases(ctx)
    if (groups.has('store-failure')) storeFailureCases(ctx)
    if (groups.has('concurrency')) concurrencyCases(ctx)
    if (groups.has('hostile-input')) hostileInputCases(ctx)
    if (groups.has('jwt')) jwtCases(ctx)
    if (groups.has('http-hardening')) httpHardeningCases(ctx)
    if (groups.has('lifecycle')) lifecycleCases(ctx)
    if (groups.has('proxy')) proxyCases(ctx)
    if (groups.has('users')) userCases(ctx)
  })
}
