/**
 * What `checkCsrf` needs to know about a request; adapters build it from their
 * framework's request.
 *
 * @example
 * ```ts
 * const csrfRequest: CsrfRequest = {
 *   method: request.method,
 *   url: request.url,
 *   headers: request.headers,
 *   secure: isSecureRequest(request, false),
 *   bodyToken: async () => {
 *     const value = (await request.clone().formData()).get('csrfmiddlewaretoken')
 *     return typeof value === 'string' ? value : undefined
 *   },
 * }
 * ```
 */
export interface CsrfRequest {
  /** The method the request really used, never an override header or field. */
  method: string
  /** The full request URL; its host is the request's own origin. */
  url: string
  headers: Headers
  /**
   * One header's value (`name` in any case), `null` or `undefined` when absent, for an
   * adapter that answers it without building `headers` (from Node's parsed header
   * record, say). `checkCsrf` reads its headers through it when given, else through
   * `headers.get`.
   */
  header?: (name: string) => string | null | undefined
  /** Whether the request reached the app over HTTPS (as far as the adapter trusts). */
  secure: boolean
  /**
   * Reads the form field carrying the token from a form-encoded body, if there is one.
   * Called only when the header carries no token. May reject: that counts as no token.
   */
  bodyToken?: () => Promise<string | undefined>
}
