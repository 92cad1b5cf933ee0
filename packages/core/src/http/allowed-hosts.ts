import { ConfigError } from '../errors.js'
import { urlOriginPart } from './url-origin-part.js'

/**
 * The hosts an app answers for (Django's `ALLOWED_HOSTS`), built once by
 * {@link resolveAllowedHosts}. Adapters ask it first, before the session or CSRF
 * layer sees the request: the CSRF Origin check trusts the request's own origin, and
 * that origin is built from `Host`, so an unchecked `Host` lets a spoofed one vouch for
 * a matching spoofed `Origin`.
 *
 * @example
 * ```ts
 * const hosts = resolveAllowedHosts(['app.example.com', 'localhost:3000'])
 * hosts.allows('APP.example.com:8443') // true
 * hosts.allows('evil.example') // false
 * ```
 */
export interface AllowedHosts {
  /** Whether a `Host` header value (untrusted; `null` when absent) names an allowed host. Never throws. */
  allows(host: string | null | undefined): boolean
  /**
   * Whether the host (with port) of an absolute `http:` or `https:` request URL — which
   * Web servers build from `Host` — is allowed, read as written (no decoding: userinfo,
   * `%` escapes or non-ASCII in the authority are refused). Any other URL is refused.
   * Never throws.
   */
  allowsUrl(url: string): boolean
}

// Django's host_validation_re: a DNS name or IPv4 address, or an IPv6 address in
// brackets, then an optional port. Applied to the lowercased value.
const HOST = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]{1,5}))?$/
const MAX_HOST = 255 + 8
const MAX_ECHO = 100

/**
 * Validates an exact host list once, at setup. Each entry is `host` or `host:port`,
 * matched case-insensitively (a trailing dot on a name is ignored, as Django does):
 * an entry without a port allows that host on any port, as Django's `ALLOWED_HOSTS`
 * does; an entry with a port allows only that port. IPv6 addresses are written in
 * brackets (`[::1]`). Wildcards (`*`, `.example.com`) are refused: one host taken over
 * or one DNS rebinding would otherwise pass.
 *
 * @throws {@link ConfigError} `CONFIG_INVALID` naming the bad entry's index.
 * @example
 * ```ts
 * const hosts = resolveAllowedHosts(['localhost', '127.0.0.1', '[::1]'])
 * if (!hosts.allows(request.headers.get('host'))) return disallowedHostResponse()
 * ```
 */
export function resolveAllowedHosts(list: readonly string[]): AllowedHosts {
  if (!Array.isArray(list)) {
    throw new ConfigError(
      'allowedHosts must be an array of hosts like "example.com" or "[::1]:3000"',
    )
  }
  const anyPort = new Set<string>()
  const exact = new Set<string>()
  for (const [i, entry] of list.entries()) {
    const parsed = typeof entry === 'string' ? parseHost(entry) : undefined
    if (!parsed || entry.trim() !== entry || entry.startsWith('.')) {
      const shown =
        typeof entry === 'string' ? JSON.stringify(entry.slice(0, MAX_ECHO)) : typeof entry
      throw new ConfigError(
        `allowedHosts[${i}] must be an exact host "name", "name:port" or "[ipv6]:port" (no scheme, path or wildcard), got ${shown}`,
      )
    }
    if (parsed.port === undefined) anyPort.add(parsed.name)
    else exact.add(`${parsed.name}:${parsed.port}`)
  }
  const check = (host: string): boolean => {
    const parsed = parseHost(host)
    if (!parsed) return false
    return (
      anyPort.has(parsed.name) ||
      (parsed.port !== undefined && exact.has(`${parsed.name}:${parsed.port}`))
    )
  }
  // Nearly every request names the same host: the last answer is kept for that exact
  // string (a pure function of it), sparing the parse.
  let lastHost: string | undefined
  let lastAnswer = false
  const allows = (host: string | null | undefined): boolean => {
    if (typeof host !== 'string') return false
    if (host !== lastHost) {
      lastAnswer = check(host)
      lastHost = host
    }
    return lastAnswer
  }
  return Object.freeze({ allows, allowsUrl: (url: string) => allows(authorityOf(url)) })
}

/**
 * The authority of an absolute `http:` or `https:` URL as written — what the server
 * built it from, the `Host` header — without the WHATWG parser (a full `URL` parse per
 * request cost more than the rest of the host check). Nothing is decoded or normalised,
 * so anything but a plain host and port (userinfo, `%` escapes, non-ASCII) then fails
 * {@link parseHost}'s pattern, as Django refuses such a `Host`.
 */
function authorityOf(url: string): string | undefined {
  const part = urlOriginPart(url)
  // After `http://` or `https://`.
  return part?.slice(part.indexOf('//') + 2)
}

/** A host header value as a lowercase name without trailing dot, and its port. */
function parseHost(value: string): { name: string; port: string | undefined } | undefined {
  if (value.length === 0 || value.length > MAX_HOST) return undefined
  const m = HOST.exec(value.toLowerCase())
  if (!m) return undefined
  const raw = m[1] as string
  const name = raw.endsWith('.') ? raw.slice(0, -1) : raw
  if (name === '') return undefined
  // Leading zeros would let "080" and "80" be two spellings of one port.
  const port = m[2] === undefined ? undefined : String(Number(m[2]))
  if (port !== undefined && Number(port) > 65535) return undefined
  return { name, port }
}
