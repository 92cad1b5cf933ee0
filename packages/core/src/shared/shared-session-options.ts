import { ConfigError } from '../errors.js'
import type { RandomSource } from '../lib/random.js'
import { secureRandom } from '../lib/random.js'
import type { Clock } from '../store/session-store.js'

/** Which way sessions travel to the other sites (see {@link SharedSessionOptions.mode}). */
export type SharedSessionMode = 'script' | 'redirect' | 'auto'

/**
 * Options of `SharedSessions` (django-shared-session's `SHARED_SESSION_*` settings, plus
 * keys and the redirect fallback). Validated once, at construction: a mistake throws
 * `ConfigError`.
 *
 * @example
 * ```ts
 * const options: SharedSessionOptions = {
 *   sites: ['https://www.example.com', 'https://www.example.org'],
 *   key: [process.env.TRANSFER_KEY!, process.env.OLD_TRANSFER_KEY!], // current first
 * }
 * ```
 */
export interface SharedSessionOptions {
  /** Origins sharing one session (`scheme://host[:port]`, no path), this site included. */
  sites: readonly string[]
  /**
   * One transfer key for every pair of sites: the current key first, then previous keys
   * that still decrypt during a rotation. Each at least 32 characters.
   */
  key?: string | readonly string[]
  /**
   * A key (or current + previous keys) for one pair of sites, both directions; it wins
   * over `key` for that pair. Every pair needs a key from here or from `key`.
   */
  pairKeys?: ReadonlyArray<{ sites: readonly [string, string]; keys: string | readonly string[] }>
  /** Seconds a transfer may take from minting to redemption. @default 30 */
  timeout?: number
  /**
   * Replace the destination's own non-empty session too (django-shared-session's
   * `SHARED_SESSION_ALWAYS_REPLACE`). @default false
   */
  alwaysReplace?: boolean
  /**
   * `'script'`: django-shared-session's `<script>` tags only (needs third-party cookies);
   * `'redirect'`: only the top-level hop (works in every browser);
   * `'auto'`: script tags on pages of a logged-in site, and the hop on a first visit to a
   * site that has no session.
   * @default 'auto'
   */
  mode?: SharedSessionMode
  /**
   * The site a first visit hops to for its session in `'redirect'`/`'auto'` mode.
   * @default the first other site in `sites`
   */
  home?: string
  /** Seconds a payload's timestamp may lie in the future (clock skew). @default 5 */
  maxSkew?: number
  /** URL path prefix of the endpoints. @default '/shared-session' */
  path?: string
  /** @default Date.now */
  clock?: Clock
  /** @default crypto.getRandomValues */
  random?: RandomSource
}

/** {@link SharedSessionOptions} checked and completed. Internal. */
export interface ResolvedSharedSessionOptions {
  sites: readonly string[]
  /** Keys of each unordered pair, `pairId(a, b)` to current-first list. */
  pairKeys: ReadonlyMap<string, readonly string[]>
  timeoutMs: number
  skewMs: number
  alwaysReplace: boolean
  mode: SharedSessionMode
  home: string | undefined
  path: string
  clock: Clock
  random: RandomSource
}

const MIN_KEY_LENGTH = 32

/** The unordered pair `{a, b}` as one map key. */
export function pairId(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`
}

/** Checks {@link SharedSessionOptions} and fills in the defaults. */
export function resolveSharedSessionOptions(
  options: SharedSessionOptions,
): ResolvedSharedSessionOptions {
  if (!options || typeof options !== 'object') {
    throw new ConfigError('SharedSessions needs an options object')
  }
  if (!Array.isArray(options.sites) || options.sites.length < 2) {
    throw new ConfigError('sites must list at least two origins')
  }
  const sites = options.sites.map((site, i) => origin(`sites[${i}]`, site))
  if (new Set(sites).size !== sites.length) throw new ConfigError('sites must not repeat an origin')
  const shared = options.key === undefined ? undefined : keyList('key', options.key)
  const pairKeys = new Map<string, readonly string[]>()
  for (const [i, entry] of (options.pairKeys ?? []).entries()) {
    const [a, b] = Array.isArray(entry?.sites) ? entry.sites : []
    if (!sites.includes(a as string) || !sites.includes(b as string) || a === b) {
      throw new ConfigError(`pairKeys[${i}].sites must name two different origins from sites`)
    }
    pairKeys.set(pairId(a as string, b as string), keyList(`pairKeys[${i}].keys`, entry.keys))
  }
  for (const a of sites) {
    for (const b of sites) {
      if (a >= b || pairKeys.has(pairId(a, b))) continue
      if (!shared) throw new ConfigError(`no transfer key for ${a} and ${b}: set key or pairKeys`)
      pairKeys.set(pairId(a, b), shared)
    }
  }
  const timeout = seconds('timeout', options.timeout, 30)
  const skew = options.maxSkew === 0 ? 0 : seconds('maxSkew', options.maxSkew, 5)
  const mode = options.mode ?? 'auto'
  if (mode !== 'script' && mode !== 'redirect' && mode !== 'auto') {
    throw new ConfigError(`mode must be 'script', 'redirect' or 'auto'`)
  }
  const home = options.home === undefined ? undefined : origin('home', options.home)
  if (home !== undefined && !sites.includes(home))
    throw new ConfigError('home must be one of sites')
  const path = options.path ?? '/shared-session'
  if (typeof path !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) {
    throw new ConfigError('path must look like /shared-session (no trailing slash)')
  }
  return {
    sites,
    pairKeys,
    timeoutMs: timeout * 1000,
    skewMs: skew * 1000,
    alwaysReplace: options.alwaysReplace ?? false,
    mode,
    home,
    path,
    clock: options.clock ?? Date.now,
    random: options.random ?? secureRandom,
  }
}

function origin(name: string, value: unknown): string {
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    throw new ConfigError(`${name} must be an origin such as https://www.example.com (no path)`)
  }
  return url.origin
}

function keyList(name: string, value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError(`${name} must be a key or a non-empty list of keys`)
  }
  for (const key of list) {
    if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH) {
      throw new ConfigError(
        `${name}: every key must be a string of at least ${MIN_KEY_LENGTH} characters`,
      )
    }
  }
  return list as string[]
}

function seconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(
      `${name} must be a positive whole number of seconds, got ${String(value)}`,
    )
  }
  return value
}
