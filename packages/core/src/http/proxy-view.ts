/**
 * The proxy option every adapter's session middleware takes, once: the CSRF check, the
 * shared-session routes and the recorded client address read the same answer.
 */
export interface ProxyOptions {
  /**
   * The app runs behind one proxy you control (it sets `X-Forwarded-Proto` and appends
   * to `X-Forwarded-For`): believe the first `X-Forwarded-Proto` value for whether the
   * request was HTTPS (the cookie's `Secure`, the origin and Referer the CSRF check
   * expects, the shared-session hops) and the last `X-Forwarded-For` entry as the client
   * address recorded on new sessions (it wins over `clientIp`: behind a proxy the
   * socket's peer is the proxy). Never set it without such a proxy: any client could
   * then claim HTTPS or any address.
   * @default false
   */
  trustProxy?: boolean
}

/** What the app should believe about a request's client: its scheme and its address. */
export interface ProxyView {
  /** Whether the client reached the app over HTTPS. */
  readonly secure: boolean
  /** The client's address, when known: recorded on new sessions. */
  readonly ip: string | undefined
  /** Whether forwarded headers were believed (the adapter's `trustProxy`). */
  readonly trustProxy: boolean
}

// An address as a proxy writes it (IPv4, IPv6, optional port or brackets); anything
// else — including a client's free text — is no address.
const ADDRESS = /^[0-9A-Za-z.:[\]%_-]{1,64}$/

/**
 * The one reading of `X-Forwarded-Proto` and `X-Forwarded-For` every adapter uses.
 * Without `trustProxy` both headers are ignored and `direct` (what the socket or the
 * URL says) is the answer: otherwise any client could claim HTTPS, which changes the
 * cookies the app sets and the origin CSRF expects, or claim any address.
 *
 * With `trustProxy` (one proxy you control in front of the app):
 * - the scheme is the first `X-Forwarded-Proto` value — the one the client used, as
 *   proxies that append keep the original first;
 * - the address is the last `X-Forwarded-For` entry: the address your proxy saw and
 *   appended. Entries to its left are whatever the client wrote, so they are never
 *   believed (Express's `trust proxy: 1`, Django's advice on `REMOTE_ADDR`).
 * A header that is absent or unreadable falls back to `direct`. Never throws.
 *
 * @example
 * ```ts
 * const view = proxyView((name) => request.headers.get(name), true, { secure: false, ip: undefined })
 * view.secure // true behind a TLS proxy that sent X-Forwarded-Proto: https
 * ```
 */
export function proxyView(
  header: (name: string) => string | null | undefined,
  trustProxy: boolean,
  direct: { secure: boolean; ip?: string | null | undefined },
): ProxyView {
  const directIp = direct.ip ?? undefined
  if (!trustProxy) return { secure: direct.secure, ip: directIp, trustProxy }
  const proto = header('x-forwarded-proto')
  const secure = proto ? proto.split(',')[0]?.trim().toLowerCase() === 'https' : direct.secure
  const last = header('x-forwarded-for')?.split(',').pop()?.trim()
  const ip = last !== undefined && ADDRESS.test(last) ? last : directIp
  return { secure, ip, trustProxy }
}
