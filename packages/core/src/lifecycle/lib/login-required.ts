import { ConfigError } from '../../errors.js'
import { type AnonymousRoutes, resolveAnonymousRoutes } from '../../http/anonymous-routes.js'
import type { LoginRequiredOptions } from '../lifecycle-options.js'

/** A resolved login-required group. */
export interface LoginRequired {
  /** Whether `method` on `path` needs a logged-in user. Never throws. */
  requires(method: string, path: string): boolean
}

/**
 * Validates `loginRequired` once, at setup.
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
  const open: AnonymousRoutes = resolveAnonymousRoutes(options.allowAnonymous)
  return Object.freeze({
    requires: (method: string, path: string) =>
      paths.some((prefix) => path.startsWith(prefix)) && !open.allows(method, path),
  })
}
