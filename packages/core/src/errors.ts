/**
 * Every error Tessera throws is a {@link TesseraError} with a stable `code`.
 * Tests and applications branch on `code`, never on `message`. No message ever
 * contains a credential, a session id, a token or a secret.
 */
export type TesseraErrorCode =
  | 'CONFIG_INVALID'
  | 'STORE_UNAVAILABLE'
  | 'STORE_TIMEOUT'
  | 'STORE_CONFLICT'
  | 'COOKIE_INVALID'
  | 'COOKIE_TOO_LARGE'
  | 'ARGUMENT_INVALID'
  | 'VALUE_UNSUPPORTED'
  | 'LISTENER_FAILED'

/**
 * Base class of every error Tessera throws.
 *
 * @example
 * ```ts
 * try { await session.get('cart') } catch (e) {
 *   if (e instanceof TesseraError && e.code === 'STORE_TIMEOUT') return new Response(null, { status: 503 })
 *   throw e
 * }
 * ```
 */
export class TesseraError extends Error {
  readonly code: TesseraErrorCode

  constructor(code: TesseraErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

const STORE_MESSAGES = {
  STORE_UNAVAILABLE: 'Session store failed during "%s"',
  STORE_TIMEOUT: 'Session store did not answer "%s" in time',
  STORE_CONFLICT: 'Session store kept rejecting "%s" as concurrent writes collided',
} as const

/** Thrown at setup when options are wrong. The message names the option and the rule it breaks. */
export class ConfigError extends TesseraError {
  constructor(message: string) {
    super('CONFIG_INVALID', message)
  }
}

/**
 * A store call failed (`STORE_UNAVAILABLE`), did not answer within the configured
 * timeout (`STORE_TIMEOUT`), or a save kept losing compare-and-set races past the retry
 * limit (`STORE_CONFLICT`). Adapters turn it into a `503` JSON response. The original
 * driver error is kept as `cause` for operators; it is never sent to a client.
 */
export class StoreError extends TesseraError {
  /** Which store operation failed, e.g. `get` or `update`. */
  readonly operation: string

  constructor(
    code: 'STORE_UNAVAILABLE' | 'STORE_TIMEOUT' | 'STORE_CONFLICT',
    operation: string,
    options?: { cause?: unknown },
  ) {
    super(code, STORE_MESSAGES[code].replace('%s', operation), options)
    this.operation = operation
  }
}

/**
 * Thrown when the application asks Tessera to emit a cookie that would be unsafe or
 * rejected by browsers: an invalid name, value or attribute (header injection), a
 * broken `__Host-`/`__Secure-` prefix rule (`COOKIE_INVALID`), or more than 4096 bytes
 * (`COOKIE_TOO_LARGE`). Never thrown for cookies a client sends.
 */
export class CookieError extends TesseraError {
  constructor(code: 'COOKIE_INVALID' | 'COOKIE_TOO_LARGE', message: string) {
    super(code, message)
  }
}

/**
 * An API was called with a value it cannot take: a programming error at the call site
 * (a session key that is not a string, a value JSON cannot carry, an unsafe redirect
 * fallback), never a reaction to what a client sent. The message names the parameter
 * and the rule, never the value when it could be a secret.
 *
 * @example
 * ```ts
 * await session.set('due', new Date() as never) // ArgumentError, code 'ARGUMENT_INVALID'
 * ```
 */
export class ArgumentError extends TesseraError {
  constructor(message: string) {
    super('ARGUMENT_INVALID', message)
  }
}

/**
 * A session event listener threw (or rejected). The manager hands it to its `onError`
 * option with the listener's error as `cause`; the request that emitted the event goes
 * on unharmed, and the other listeners still run.
 *
 * @example
 * ```ts
 * new SessionManager({ store, secret, onError: (e) => logger.error(e.code, e.cause) })
 * ```
 */
export class ListenerError extends TesseraError {
  /** The event whose listener failed, e.g. `created`. */
  readonly eventType: string

  constructor(eventType: string, options: { cause: unknown }) {
    super('LISTENER_FAILED', `A listener of the session event "${eventType}" threw`, options)
    this.eventType = eventType
  }
}
