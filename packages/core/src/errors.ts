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
