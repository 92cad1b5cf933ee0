import type { AuthUser, SessionManager, UserProvider } from '@tessera/core'
import type { LifecycleOptions } from '@tessera/core/adapter'

/** What {@link describeAdapter} hands the adapter's `setup` for one app. */
export interface AdapterSetupOptions {
  /**
   * The manager to mount with the adapter's session middleware. The suite built it
   * over a store it controls (a fresh `MemoryStore`, or one it makes fail or hang).
   */
  manager: SessionManager
  /**
   * The users the app's `requireUser` guards read: one user, `ada` (id `7`). `POST
   * /login` logs her in.
   */
  users: UserProvider<AuthUser>
  /**
   * The options of the adapter's one entry point (Hono and Express `session()`,
   * Fastify's `tesseraSession`, `withSession`), the same names in every adapter: pass
   * them as they are. They serve the JWKS, the shared-session routes (sites
   * `https://adapter.test` and `https://other.test`), the login-required group
   * `/members/` with its opt-out `GET /members/open` over `users`, and CSRF on
   * `POST /protected` only (`csrf.exempt` covers every other route); per case, also
   * `allowedHosts`, `bodyLimit` and `trustProxy` — given there only: the suite checks
   * that one setting reaches cookies, CSRF, shared sessions and the client address.
   */
  options: LifecycleOptions
}

/**
 * One app under test, built by the adapter around the suite's `SessionManager` and
 * implementing {@link AdapterRoutes}.
 *
 * Guarantees the suite relies on: `fetch` answers any `Request` whatever its URL's
 * origin (the suite uses `http://adapter.test` and `https://adapter.test`, and reads
 * the scheme as whether the request was HTTPS), and never rejects for an error the
 * adapter could answer itself. `url`, when given, is the base URL
 * (`http://127.0.0.1:port`) of the same app listening on a real socket. `close`
 * runs after every test.
 *
 * @example
 * ```ts
 * const harness: AdapterApp = { fetch: async (request) => app.fetch(request) }
 * ```
 */
export interface AdapterApp {
  fetch(request: Request): Promise<Response>
  url?: string
  close?(): Promise<void>
}
