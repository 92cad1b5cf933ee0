/**
 * Events the session manager emits. `session` is a salted hash of the session id
 * (never the id or a credential), stable for one session while the secret is unchanged,
 * so logs can correlate events without holding anything a client could present.
 */
export type SessionEvent =
  | { type: 'created'; session: string; at: number }
  | { type: 'rotated'; session: string; at: number }
  | { type: 'destroyed'; session: string; at: number; reason: 'flush' | 'emptied' }
  | { type: 'expired'; session: string; at: number; reason: 'idle' | 'absolute' }
  | {
      type: 'invalidCredential'
      at: number
      /** `malformed`: not the issued shape; `unknown`: no live session; `mismatch`: wrong secret. */
      reason: 'malformed' | 'unknown' | 'mismatch'
      session?: string
    }

/** Name of a {@link SessionEvent}. */
export type SessionEventType = SessionEvent['type']

/** A listener for one event type, typed by that type. */
export type SessionEventListener<T extends SessionEventType> = (
  event: Extract<SessionEvent, { type: T }>,
) => void
