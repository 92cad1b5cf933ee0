import type { UserProvider } from '../auth/user-provider.js'
import { type CookieAttributes, serializeCookie } from '../cookie/index.js'
import { ConfigError, CookieError, type ListenerError } from '../errors.js'
import { type ResolvedJwtOptions, resolveJwtOptions } from '../jwt/jwt-session-options.js'
import { type RandomSource, secureRandom } from '../lib/random.js'
import { TurnQueue } from '../lib/turn-queue.js'
import { outageLogOption } from '../store/call-store.js'
import { type Clock, SESSION_STORE_METHODS, type SessionStore } from '../store/session-store.js'
import type { StoreOutageLog } from '../store/store-outage-log.js'
import type { SessionManagerOptions } from './session-options.js'

/** {@link SessionManagerOptions} checked and completed with their defaults. */
export interface ResolvedSessionOptions {
  store: SessionStore
  secret: string
  fallbackSecrets: readonly string[]
  cookieName: string
  cookie: Omit<CookieAttributes, 'secure' | 'maxAge' | 'expires'>
  secure: boolean | 'auto'
  idleMs: number
  absoluteMs: number
  renewalMs: number
  browserClose: boolean
  timeout: number
  /** `batchLoads`, and the runtime has `setImmediate`. */
  batchLoads: boolean
  outages: StoreOutageLog | null
  retries: number
  clock: Clock
  random: RandomSource
  tokenHeader: string
  bearer: boolean
  jwt: ResolvedJwtOptions | null
  /** Vets the user of a session before a JWT is re-issued for it (see `users`). */
  users: UserProvider | null
  onError: (error: ListenerError) => void
}

/**
 * Validates the manager's options once, at construction: every mistake is a
 * {@link ConfigError} naming the option, thrown at startup rather than on a request.
 */
export function resolveSessionOptions(options: SessionManagerOptions): ResolvedSessionOptions {
  if (!options || typeof options !== 'object')
    throw new ConfigError('SessionManager needs an options object')
  const store = options.store
  for (const method of SESSION_STORE_METHODS) {
    if (!store || typeof store[method] !== 'function') {
      throw new ConfigError(`store must implement the SessionStore contract (missing ${method}())`)
    }
  }
  const idle = positiveInt('idleTimeout', options.idleTimeout, 1_209_600)
  const absolute = positiveInt('absoluteTimeout', options.absoluteTimeout, 2_592_000)
  if (idle > absolute) throw new ConfigError('idleTimeout must not exceed absoluteTimeout')
  const renewal =
    options.renewalInterval === 0
      ? 0
      : positiveInt('renewalInterval', options.renewalInterval, Math.min(300, Math.floor(idle / 4)))
  if (renewal > idle / 2)
    throw new ConfigError('renewalInterval must be at most half of idleTimeout')
  const { cookieName, cookie, secure } = cookieOptions(options)
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw new ConfigError('onError must be a function')
  if (options.batchLoads !== undefined && typeof options.batchLoads !== 'boolean')
    throw new ConfigError('batchLoads must be true or false')
  if (options.users !== undefined && typeof options.users?.findById !== 'function')
    throw new ConfigError('users must be a UserProvider (with findById())')
  return {
    store,
    secret: options.secret,
    fallbackSecrets: options.fallbackSecrets ?? [],
    cookieName,
    cookie,
    secure,
    idleMs: idle * 1000,
    absoluteMs: absolute * 1000,
    renewalMs: renewal * 1000,
    browserClose: options.expireAtBrowserClose ?? false,
    timeout: positiveInt('storeTimeout', options.storeTimeout, 1000),
    batchLoads: (options.batchLoads ?? true) && TurnQueue.available,
    outages: outageLogOption(options.storeOutageLog),
    retries: positiveInt('maxConflictRetries', options.maxConflictRetries, 128),
    clock: options.clock ?? Date.now,
    random: options.random ?? secureRandom,
    tokenHeader: tokenHeader(options.token?.header),
    bearer: options.token?.bearer ?? false,
    jwt: resolveJwtOptions(options.format, options.jwt, idle),
    users: options.users ?? null,
    onError: options.onError ?? logListenerError,
  }
}

/** Without `onError`, a failing listener is logged (its own error; nothing of the session's). */
function logListenerError(error: ListenerError): void {
  console.error(error)
}

function cookieOptions(
  options: SessionManagerOptions,
): Pick<ResolvedSessionOptions, 'cookieName' | 'cookie' | 'secure'> {
  const c = options.cookie ?? {}
  const cookieName = c.name ?? 'sessionid'
  const secure = c.secure ?? 'auto'
  if (secure !== true && secure !== false && secure !== 'auto') {
    throw new ConfigError(`cookie.secure must be true, false or 'auto'`)
  }
  const cookie: ResolvedSessionOptions['cookie'] = {
    path: c.path ?? '/',
    httpOnly: c.httpOnly ?? true,
    sameSite: c.sameSite ?? 'Lax',
  }
  if (c.domain !== undefined) cookie.domain = c.domain
  if (c.partitioned) cookie.partitioned = true
  // Serialise once now so a bad name, attribute or prefix fails at startup, not on a request.
  const sample = `${'A'.repeat(22)}.${'A'.repeat(43)}`
  for (const s of secure === 'auto' ? [true, false] : [secure]) {
    try {
      serializeCookie(cookieName, sample, { ...cookie, secure: s, maxAge: 1 })
    } catch (e) {
      if (!(e instanceof CookieError)) throw e
      const hint = secure === 'auto' && !s ? ' (cookie.secure is "auto": set it to true)' : ''
      throw new ConfigError(`Invalid session cookie options: ${e.message}${hint}`)
    }
  }
  return { cookieName, cookie, secure }
}

function tokenHeader(name: string | undefined): string {
  if (name === undefined) return 'x-session-token'
  if (
    typeof name !== 'string' ||
    !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) ||
    /^(cookie|authorization)$/i.test(name)
  ) {
    throw new ConfigError('token.header must be a header name other than Cookie and Authorization')
  }
  return name.toLowerCase()
}

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive whole number, got ${String(value)}`)
  }
  return value
}
