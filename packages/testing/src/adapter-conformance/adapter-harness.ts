import type { AuthUser, SessionManager, UserProvider } from '@tessera/core'

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
   * When set, pass it as the session middleware's `allowedHosts` option (Django's
   * `ALLOWED_HOSTS`); when absent, leave the option unset (every host allowed).
   */
  allowedHosts?: readonly string[]
  /**
   * When set, pass it as the CSRF middleware's `bodyLimit` option; when absent, leave
   * the adapter's default (64 KiB).
   */
  bodyLimit?: number
  /**
   * When set, pass it as the session middleware's `trustProxy` option — there only: the
   * suite checks that the one setting reaches cookies, CSRF and the client address.
   */
  trustProxy?: boolean
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
