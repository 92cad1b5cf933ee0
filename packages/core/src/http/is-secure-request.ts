/**
 * Whether a request reached the application over HTTPS. `X-Forwarded-Proto` is
 * believed only when `trustProxy` is set: otherwise any client could claim HTTPS and,
 * with it, change which cookies the app sets.
 *
 * @example
 * ```ts
 * isSecureRequest(new Request('https://app.example/'), false) // true
 * ```
 */
export function isSecureRequest(request: Request, trustProxy: boolean): boolean {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-proto')
    // Several proxies append to the header; the first value is what the client used.
    if (forwarded) return forwarded.split(',')[0]?.trim().toLowerCase() === 'https'
  }
  return request.url.startsWith('https:')
}
