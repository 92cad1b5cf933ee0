/**
 * Names of the audit events Tessera records. `sessionReplaced` (and any other session
 * event an {@link AuditTrail} is told to watch) comes from the session manager; the
 * others from {@link SessionManagement}. Apps may record names of their own.
 */
export type AuditEventType =
  | 'login'
  | 'logout'
  | 'loginFailed'
  | 'reauthenticated'
  | 'revoke'
  | 'passwordChanged'
  | 'sessionReplaced'
  | (string & {})

/**
 * One line of the audit log. Identifiers are salted hashes (HMAC under the app secret,
 * 22 base64url characters), never the values: `session` is the same hash the session
 * manager's events carry, so both logs correlate; `user`, `username` and `client` are
 * hashed under their own purposes. No event ever carries a credential, a token, a raw
 * session id, a user id, a username or an address.
 *
 * @example
 * ```ts
 * const line: AuditEvent = { type: 'revoke', at: Date.now(), user: 'Zq3…', reason: 'others', count: 2 }
 * ```
 */
export interface AuditEvent {
  type: AuditEventType
  /** Milliseconds since the epoch. */
  at: number
  /** Hash of the session the event is about (the acting session, for `revoke`). */
  session?: string
  /** Hash of the user id. */
  user?: string
  /** Hash of the username tried, for `loginFailed` (the user may not exist). */
  username?: string
  /** Hash of the client address. */
  client?: string
  /**
   * Why: for `revoke` one of `one`, `others`, `all`, `cap`, `userDisabled`; for
   * `loginFailed` `invalidCredentials`; for forwarded manager events their own reason.
   */
  reason?: string
  /** How many sessions the event ended (`revoke`, `passwordChanged`). */
  count?: number
  /** Other fields of a forwarded session event, e.g. `sessionReplaced`'s `source`, `destination`, `via`. */
  [field: string]: string | number | boolean | undefined
}
