import { ConfigError } from '../errors.js'
import type { Keyring } from '../keys/keyring.js'
import type { SessionEventType } from '../session/session-events.js'
import type { SessionManager } from '../session/session-manager.js'
import type { AuditEvent, AuditEventType } from './audit-event.js'
import type { AuditSink } from './audit-sink.js'

/** Options of {@link AuditTrail}. */
export interface AuditTrailOptions {
  /** Salts the identifier hashes. Use `manager.keys`, so session hashes match the manager's events. */
  keys: Keyring
  sink: AuditSink
  /** Called when the sink fails; the event is lost, the request goes on. @default ignore */
  onError?: (error: unknown) => void
}

/** What {@link AuditTrail.record} takes: raw identifiers, hashed before anything leaves. */
export interface AuditInput {
  type: AuditEventType
  at: number
  /** Raw session (store) id. */
  sessionId?: string | null
  /** Raw user id. */
  userId?: string | null
  /** The username as typed (loginFailed). */
  username?: string | null
  /** The client address. */
  client?: string | null
  reason?: string
  count?: number
}

// Must stay the manager's purpose for its own events (session-manager.ts `#emit`), so an
// audit line and a session event about one session carry the same hash; a test holds it.
const SESSION_PURPOSE = 'tessera.event-id'

/**
 * The audit log of who logged in, out, failed, revoked and changed a password: hashes
 * every identifier with the app secret and hands the events to a pluggable
 * {@link AuditSink}, in order, off the request's path (a slow sink never delays a
 * response; {@link flush} waits for it). Pass it to `SessionManagement` (`audit`) and
 * let it {@link watch} the manager for session events such as `sessionReplaced`.
 *
 * @example
 * ```ts
 * const audit = new AuditTrail({ keys: manager.keys, sink: { write: (e) => console.log(JSON.stringify(e)) } })
 * audit.watch(manager)
 * const management = new SessionManagement({ store, users, hasher, audit })
 * ```
 */
export class AuditTrail {
  readonly #keys: Keyring
  readonly #sink: AuditSink
  readonly #onError: (error: unknown) => void
  #queue: Promise<void> = Promise.resolve()

  constructor(options: AuditTrailOptions) {
    if (!options?.keys || typeof options.sink?.write !== 'function') {
      throw new ConfigError('AuditTrail needs keys and a sink with a write() method')
    }
    this.#keys = options.keys
    this.#sink = options.sink
    this.#onError = options.onError ?? (() => {})
  }

  /** Records one event; identifiers are replaced by salted hashes before the sink sees them. */
  record(input: AuditInput): void {
    this.#enqueue(async () => {
      const event: AuditEvent = { type: input.type, at: input.at }
      if (input.sessionId) event.session = await this.#hash(SESSION_PURPOSE, input.sessionId)
      if (input.userId) event.user = await this.#hash('tessera.audit-user', input.userId)
      if (input.username)
        event.username = await this.#hash('tessera.audit-username', input.username)
      if (input.client) event.client = await this.#hash('tessera.audit-client', input.client)
      if (input.reason !== undefined) event.reason = input.reason
      if (input.count !== undefined) event.count = input.count
      return event
    })
  }

  /**
   * Forwards the manager's events of these types to the sink. Types are taken by name,
   * so events other features add to the manager can be watched without this class
   * knowing their shape: every string, number and boolean field is kept (`session` is
   * already the manager's salted hash, and session events carry no raw identifier by
   * contract); nested values are dropped. Returns the function that stops watching.
   *
   * @example
   * ```ts
   * audit.watch(manager, ['sessionReplaced', 'transferRejected'])
   * ```
   */
  watch(manager: SessionManager, types: readonly string[] = ['sessionReplaced']): () => void {
    const stops = types.map((type) =>
      manager.on(type as SessionEventType, (raw: unknown) => {
        const event = { ...(raw as AuditEvent) }
        for (const [field, value] of Object.entries(event)) {
          if (!['string', 'number', 'boolean'].includes(typeof value)) delete event[field]
        }
        this.#enqueue(async () => event)
      }),
    )
    return () => {
      for (const stop of stops) stop()
    }
  }

  /** Resolves once every event recorded so far reached the sink (or failed to). */
  flush(): Promise<void> {
    return this.#queue
  }

  async #hash(purpose: string, value: string): Promise<string> {
    return (await this.#keys.sign(purpose, value)).slice(0, 22)
  }

  #enqueue(make: () => Promise<AuditEvent>): void {
    this.#queue = this.#queue
      .then(async () => this.#sink.write(await make()))
      .catch((e: unknown) => {
        try {
          this.#onError(e)
        } catch {
          // The error reporter failing must not break the queue either.
        }
      })
  }
}
