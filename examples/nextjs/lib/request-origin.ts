/**
 * The URL and scheme of the request a Server Component or Server Action is serving,
 * rebuilt from `next/headers` (they get no `Request`). The host comes from `Host`, as
 * Django's `get_host()` does; behind `TRUST_PROXY=1` the scheme comes from the first
 * `X-Forwarded-Proto` value. `null` for a `Host` that does not make a URL.
 */
export function requestOrigin(
  headers: Headers,
  trustProxy: boolean,
): { url: string; secure: boolean } | null {
  const forwarded = trustProxy ? headers.get('x-forwarded-proto') : null
  const secure = forwarded?.split(',')[0]?.trim().toLowerCase() === 'https'
  const host = headers.get('host') ?? ''
  if (!URL.canParse(`http://${host}/`)) return null
  const url = new URL(`${secure ? 'https' : 'http'}://${host}/`)
  // A Host with a path, credentials or a query is not a host.
  if (url.host !== host.toLowerCase() || host === '') return null
  return { url: url.href, secure }
}
