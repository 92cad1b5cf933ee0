import { proxyView } from './proxy-view.js'

/**
 * Whether a request reached the application over HTTPS. `X-Forwarded-Proto` is
 * believed only when `trustProxy` is set (see {@link proxyView}): otherwise any client
 * could claim HTTPS and, with it, change which cookies the app sets.
 *
 * @example
 * ```ts
 * isSecureRequest(new Request('https://app.example/'), false) // true
 * ```
 */
export function isSecureRequest(request: Request, trustProxy: boolean): boolean {
  return proxyView((name) => request.headers.get(name), trustProxy, {
    secure: request.url.startsWith('https:'),
  }).secure
}
