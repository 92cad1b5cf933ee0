/**
 * The client's address for login throttling and "your sessions". Next.js does not hand
 * route handlers or Server Actions the socket; `next start` puts the peer address in
 * `X-Forwarded-For`, but only when the request did not bring that header itself. So the
 * last entry is the peer (no proxy) or what the nearest proxy appended (`TRUST_PROXY=1`,
 * behind one proxy that appends). Without a proxy a client can name any address here,
 * which weakens the per-client throttle counters, never the per-account one.
 */
export function clientAddress(headers: Headers): string {
  const hops = (headers.get('x-forwarded-for') ?? '').split(',')
  const last = hops[hops.length - 1]?.trim() ?? ''
  // Bounded and plain: the value is stored with the session and shown to its user.
  return /^[0-9A-Fa-f:.]{1,64}$/.test(last) ? last : 'unknown'
}
