import type { DeviceInfo } from './parse-user-agent.js'

/**
 * One row of a "your sessions" screen, as `SessionManagement.list()` returns it. Safe to
 * send to the session's own user: `id` is the public session id (not a credential, not
 * the store id), and nothing else identifies the session.
 *
 * @example
 * ```ts
 * const rows: ListedSession[] = await management.list(c.var.session)
 * return c.json({ sessions: rows })
 * ```
 */
export interface ListedSession extends DeviceInfo {
  /** The public session id (`publicSessionId`), for `revoke()` and URLs. */
  id: string
  /** Whether this is the session of the request that asked. */
  current: boolean
  /** The `User-Agent` the session was created with (truncated to 512 characters), or `null`. */
  userAgent: string | null
  /** The client address the session was created from, or `null`. */
  ip: string | null
  /** Milliseconds since the epoch. */
  createdAt: number
  /** Last activity the store knows of (renewed at most once per `renewalInterval`). */
  lastSeenAt: number
  /** When the session ends unless used again (the earlier of idle and absolute expiry). */
  expiresAt: number
}
