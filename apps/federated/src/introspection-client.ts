/** The introspection endpoint's verdict; `unavailable` when it could not be asked. */
export type IntrospectionVerdict = 'active' | 'inactive' | 'unavailable'

/** Where and how a {@link createIntrospectionClient} asks. */
export interface IntrospectionClientOptions {
  url: URL
  /** The service credential, sent as `Authorization: Bearer <secret>`. */
  secret: string
  /** Milliseconds before a call counts as `unavailable`. @default 2000 */
  timeoutMs?: number
  fetch?: typeof fetch
}

/**
 * Asks the demo's RFC 7662-style endpoint whether a token is active: `POST` with
 * `application/x-www-form-urlencoded` `token=<jwt>` (RFC 7662 §2.1), the service
 * credential in `Authorization`. Only a 200 JSON answer with `"active": true` counts as
 * active (§2.2); an error, a timeout or any other answer is `unavailable`, which callers
 * treat as "not trusted" (fail closed).
 *
 * @example
 * ```ts
 * const introspect = createIntrospectionClient({
 *   url: new URL('http://127.0.0.1:3000/api/introspect/'), secret: process.env.INTROSPECTION_SECRET!,
 * })
 * if ((await introspect(token)) !== 'active') return unauthorized()
 * ```
 */
export function createIntrospectionClient(
  options: IntrospectionClientOptions,
): (token: string) => Promise<IntrospectionVerdict> {
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 2000
  return async function introspect(token) {
    try {
      const response = await doFetch(options.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.secret}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      })
      if (response.status !== 200) {
        await response.body?.cancel()
        return 'unavailable'
      }
      const body = (await response.json()) as unknown
      if (typeof body !== 'object' || body === null) return 'unavailable'
      const active = (body as { active?: unknown }).active
      if (active === true) return 'active'
      if (active === false) return 'inactive'
      return 'unavailable'
    } catch {
      return 'unavailable'
    }
  }
}
