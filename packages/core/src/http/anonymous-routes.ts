import { ConfigError } from '../errors.js'

/**
 * The routes of a login-required group that anonymous requests may reach — Django REST
 * framework's `AllowAny` on a view under an `IsAuthenticated` default. Built once by
 * {@link resolveAnonymousRoutes}.
 */
export interface AnonymousRoutes {
  /** Whether `method` on `path` (the request's own, untrusted) is opted out. Never throws. */
  allows(method: string, path: string): boolean
}

// "/path" (any method) or "METHOD /path": an exact path, nothing else.
const ENTRY = /^(?:([A-Z]+) )?(\/[^\s?#*]*)$/
const MAX_ECHO = 100

/**
 * Validates a group guard's `allowAnonymous` list once, at setup. Each entry is an
 * exact path (`"/api/login/"`: any method) or a method and a path
 * (`"POST /api/login/"`; a `GET` entry covers `HEAD`). No wildcards or prefixes: every
 * opt-out is written out, so a route added later under the group needs a login unless
 * someone lists it.
 *
 * @throws {@link ConfigError} `CONFIG_INVALID` naming the bad entry's index.
 * @example
 * ```ts
 * const open = resolveAnonymousRoutes(['POST /api/login/', 'GET /api/csrf/'])
 * open.allows('POST', '/api/login/') // true
 * open.allows('GET', '/api/me/') // false
 * ```
 */
export function resolveAnonymousRoutes(list: readonly string[] = []): AnonymousRoutes {
  if (!Array.isArray(list)) {
    throw new ConfigError('allowAnonymous must be an array of "/path" or "METHOD /path" entries')
  }
  const anyMethod = new Set<string>()
  const exact = new Set<string>()
  for (const [i, entry] of list.entries()) {
    const m = typeof entry === 'string' ? ENTRY.exec(entry) : null
    if (!m) {
      const shown =
        typeof entry === 'string' ? JSON.stringify(entry.slice(0, MAX_ECHO)) : typeof entry
      throw new ConfigError(
        `allowAnonymous[${i}] must be an exact "/path" or "METHOD /path" (no query or wildcard), got ${shown}`,
      )
    }
    const [, method, path] = m as unknown as [string, string | undefined, string]
    if (method === undefined) anyMethod.add(path)
    else exact.add(`${method} ${path}`)
  }
  return Object.freeze({
    allows(method: string, path: string): boolean {
      if (anyMethod.has(path)) return true
      // RFC 9110 §9.3.2: HEAD is GET without the body; a framework routes it to GET.
      const m = method === 'HEAD' ? 'GET' : method
      return exact.has(`${m} ${path}`)
    },
  })
}
