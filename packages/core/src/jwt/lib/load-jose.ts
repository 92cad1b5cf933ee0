/** The jose module, as `import('jose')` gives it. */
type Jose = typeof import('jose')

let loading: Promise<Jose> | undefined

/**
 * jose, imported on first use and then shared. Importing it takes two thirds of
 * `@tessera/core`'s own import time (about 50 of 75 ms on a 2-core machine), and only
 * JWT cookies, JWT keys and their CLI commands need it: an app with opaque cookies, a
 * serverless cold start and `tessera clearsessions` never load it.
 *
 * @example
 * ```ts
 * const { importJWK } = await loadJose()
 * ```
 */
export function loadJose(): Promise<Jose> {
  loading ??= import('jose')
  return loading
}
