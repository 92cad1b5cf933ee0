import { ConfigError } from '../../errors.js'
import { type AnonymousRoutes, resolveAnonymousRoutes } from '../../http/anonymous-routes.js'
import type { LoginRequiredOptions } from '../lifecycle-options.js'

/** A resolved login-required group. */
export interface LoginRequired {
  /** Whether `method` on `path` needs a logged-in user. Never throws. */
  requires(method: string, path: string): boolean
}

// A path a router may read as another: a `%` escape, an upper-case letter, or a run of
// slashes. Without one, the path is its own loosest spelling.
const LOOSE = /[%A-Z]|\/\//

/**
 * Validates `loginRequired` once, at setup.
 *
 * The group is matched failing closed: a request is in it when its path as received,
 * or that path read as loosely as a router may read it, starts with a prefix. Routers
 * differ: Fastify decodes `%` escapes before routing (`/%61pi/` reaches `/api/`),
 * Express routes case-insensitively by default (`/API/`), and options of either ignore
 * repeated or trailing slashes. So the loose reading decodes the escapes, lowercases,
 * collapses repeated slashes and ends in `/`. A path put in the group that way which
 * no route serves answers 401 instead of 404. The opt-outs (`allowAnonymous`) stay
 * exact on the path as received: a spelling an opt-out does not list needs a login.
 *
 * @throws {@link ConfigError} without `users`, or for a bad prefix or opt-out entry.
 */
export function resolveLoginRequired(options: LoginRequiredOptions, users: unknown): LoginRequired {
  if (users === undefined) throw new ConfigError('loginRequired needs the "users" option')
  const paths = options.paths
  if (!Array.isArray(paths) || paths.length === 0) {
    throw new ConfigError(
      'loginRequired.paths must be a non-empty array of path prefixes like "/api/"',
    )
  }
  for (const [i, prefix] of paths.entries()) {
    if (typeof prefix !== 'string' || !/^\/[^\s?#*]*$/.test(prefix)) {
      throw new ConfigError(
        `loginRequired.paths[${i}] must be a path prefix starting with "/" (no query or wildcard)`,
      )
    }
  }
  const exact: readonly string[] = [...paths]
  const loose: readonly string[] = exact.map(loosePath)
  const open: AnonymousRoutes = resolveAnonymousRoutes(options.allowAnonymous)
  const inGroup = (path: string): boolean => {
    if (exact.some((prefix) => path.startsWith(prefix))) return true
    const read = LOOSE.test(path) ? loosePath(path) : path
    const slashed = read.endsWith('/') ? read : `${read}/`
    return loose.some((prefix) => slashed.startsWith(prefix))
  }
  return Object.freeze({
    requires: (method: string, path: string) => inGroup(path) && !open.allows(method, path),
  })
}

/**
 * A path as loosely as a router may read it: `%` escapes decoded (all of them, `%2F`
 * too; an escape that is not UTF-8 stays as written), lower case, one slash per run.
 */
function loosePath(path: string): string {
  return decodeEscapes(path)
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
}

function decodeEscapes(path: string): string {
  if (!path.includes('%')) return path
  try {
    return decodeURIComponent(path)
  } catch {
    // A malformed sequence somewhere: decode the ASCII escapes, which a router that
    // decodes escape by escape would still read.
    return path.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    )
  }
}
