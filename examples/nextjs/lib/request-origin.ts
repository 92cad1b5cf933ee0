import type { AllowedHosts } from '@tessera/core'

/**
 * The URL and scheme of the request being served, rebuilt from its headers: Server
 * Components and Server Actions get no `Request`, and a route handler's `request.url`
 * names the address `next start` bound to. The host comes from `Host`, as Django's
 * `get_host()` does, and only when `hosts` (`ALLOWED_HOSTS`) lists it: the CSRF Origin
 * check trusts this origin, so an unlisted `Host` (DNS rebinding) would vouch for an
 * `Origin` of the same attacker's name. Behind `TRUST_PROXY=1` the scheme comes from the
 * first `X-Forwarded-Proto` value. `null` for a `Host` that is not allowed or does not
 * make a URL: the caller refuses the request before any session work.
 */
export function requestOrigin(
  headers: Headers,
  trustProxy: boolean,
  hosts: AllowedHosts,
): { url: string; secure: boolean } | null {
  const host = headers.get('host') ?? ''
  if (!hosts.allows(host) || !URL.canParse(`http://${host}/`)) return null
  const forwarded = trustProxy ? headers.get('x-forwarded-proto') : null
  const secure = forwarded?.split(',')[0]?.trim().toLowerCase() === 'https'
  const url = new URL(`${secure ? 'https' : 'http'}://${host}/`)
  // A Host with a path, credentials or a query is not a host.
  if (url.host !== host.toLowerCase() || host === '') return null
  return { url: url.href, secure }
}
