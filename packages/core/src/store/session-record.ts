/** Any value JSON can carry. Session data is JSON so every store can keep it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue }

/**
 * The data of one session: a JSON object. Stores may hand it out as an ordinary object
 * (`JSON.parse`); a `Session` rebuilds it with a null prototype, so keys such as
 * `__proto__` or `constructor` are plain data, never `Object.prototype` members.
 */
export type SessionData = { [key: string]: JsonValue }

/** Device metadata and per-session expiry overrides, kept beside the data. */
export interface SessionMeta {
  /** `User-Agent` of the request that created the session (truncated). */
  userAgent?: string
  /** Client address of the request that created the session. */
  ip?: string
  /** Per-session idle timeout in seconds set by `session.setExpiry(seconds)`. */
  idleTimeout?: number
  /** `true` when `session.setExpiry(0)` asked for a cookie that ends with the browser. */
  browserSession?: boolean
}

/**
 * A session as stores keep it. Plain data: no methods, no framework types.
 *
 * `id` is a random 128-bit identifier that locates the record. It is never a credential
 * on its own: a client must also present a secret whose SHA-256 hash is in
 * `credentials`. Times are milliseconds since the Unix epoch.
 */
export interface SessionRecord {
  id: string
  data: SessionData
  userId: string | null
  /** Hash derived from the user's password hash (Django's session auth hash). */
  authHash: string | null
  /**
   * Live credentials pointing at this session: kind (`cookie`, `token`, …) to the
   * base64url SHA-256 hash of that credential's secret. Rotation replaces the map, so
   * every old credential dies at once.
   */
  credentials: Record<string, string>
  createdAt: number
  lastSeenAt: number
  /** Sliding expiry: pushed forward on activity, at most once per renewal interval. */
  idleExpiresAt: number
  /** Hard expiry fixed at creation; activity never moves it. */
  absoluteExpiresAt: number
  /** Incremented by every successful `update`; the basis of compare-and-set. */
  version: number
  meta: SessionMeta
  /**
   * The CSRF secret the session's masked tokens are made from (Django's
   * `CSRF_USE_SESSIONS`). A field of the record, not a data key: `session.keys()` never
   * shows it and `session.clear()` keeps it, so tokens the page holds keep working.
   * Absent until a token is asked for.
   */
  csrfSecret?: string
  /**
   * When the user last proved who they are (login, password re-entry), in ms since the
   * epoch; what `authenticatedAt()` and fresh-login checks read. Absent when anonymous.
   */
  authenticatedAt?: number
  /** The configured `jwt.fields` of the user, copied at login for every session JWT issued. */
  jwtClaims?: { [key: string]: JsonValue }
}

/** The instant a record stops being valid: the earlier of its idle and absolute expiry. */
export function expiresAt(
  record: Pick<SessionRecord, 'idleExpiresAt' | 'absoluteExpiresAt'>,
): number {
  return Math.min(record.idleExpiresAt, record.absoluteExpiresAt)
}
