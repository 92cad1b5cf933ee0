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
  | {
      /** django-shared-session's `session_replaced`: this site's cookie now points at a shared session. */
      type: 'sessionReplaced'
      session: string
      at: number
      /** Origins the session came from and was installed on. */
      source: string
      destination: string
      via: 'script' | 'redirect'
      /** Whether the destination had a session of its own that was dropped for this one. */
      replacedExisting: boolean
    }
  | {
      /** A cross-domain transfer payload or code was refused (django-shared-session). */
      type: 'transferRejected'
      at: number
      reason: TransferRejection
    }

/**
 * Why a transfer was refused: `malformed` (not a payload), `undecryptable` (tampered,
 * truncated or another key), `destination` (minted for another site), `source` (not a
 * configured site), `expired` / `future` (timestamp), `mode` (a script payload on the
 * redirect endpoint or the reverse), `binding` (another browser), `used` (redeemed
 * already, unknown or expired code), `context` (a script payload not loaded by a
 * `<script>` on a page of its source site: a link, a navigation, another site's page, no
 * `Referer`), `user` (the script path would have switched this site to another user).
 */
export type TransferRejection =
  | 'malformed'
  | 'undecryptable'
  | 'destination'
  | 'source'
  | 'expired'
  | 'future'
  | 'mode'
  | 'binding'
  | 'used'
  | 'context'
  | 'user'

/** Name of a {@link SessionEvent}. */
export type SessionEventType = SessionEvent['type']

/** A listener for one event type, typed by that type. */
export type SessionEventListener<T extends SessionEventType> = (
  event: Extract<SessionEvent, { type: T }>,
) => void
