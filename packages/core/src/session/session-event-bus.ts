import { ListenerError } from '../errors.js'
import type { Keyring } from '../keys/keyring.js'
import type { SessionEvent, SessionEventListener, SessionEventType } from './session-events.js'

type AnyListener = (event: SessionEvent) => unknown

/**
 * The manager's typed event hooks. Listeners never see a raw session id: it is replaced
 * by a salted hash first. Hashing is asynchronous, so events pass through one queue and
 * reach listeners in the order they happened. A listener that throws or rejects never
 * fails the request that emitted the event: its error goes to `onError`.
 */
export class SessionEventBus {
  readonly #keys: Keyring
  readonly #onError: (error: ListenerError) => void
  readonly #listeners = new Map<SessionEventType, Set<AnyListener>>()
  #queue: Promise<void> = Promise.resolve()

  constructor(keys: Keyring, onError: (error: ListenerError) => void) {
    this.#keys = keys
    this.#onError = onError
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<T extends SessionEventType>(type: T, listener: SessionEventListener<T>): () => void {
    const set = this.#listeners.get(type) ?? new Set()
    this.#listeners.set(type, set)
    const l = listener as AnyListener
    set.add(l)
    return () => set.delete(l)
  }

  /** Resolves once every event emitted so far has reached its listeners. */
  settled(): Promise<void> {
    return this.#queue
  }

  emit(event: SessionEvent): void {
    const set = this.#listeners.get(event.type)
    if (!set || set.size === 0) return
    const raw = 'session' in event ? event.session : undefined
    this.#queue = this.#queue
      .then(async () => {
        const safe =
          raw === undefined
            ? event
            : { ...event, session: (await this.#keys.sign('tessera.event-id', raw)).slice(0, 22) }
        for (const listener of set) this.#deliver(listener, safe)
      })
      // Listener errors are caught in #deliver; this keeps one failed hash from stopping the queue.
      .catch(() => undefined)
  }

  #deliver(listener: AnyListener, event: SessionEvent): void {
    try {
      const result = listener(event)
      if (result instanceof Promise) result.catch((cause) => this.#fail(event, cause))
    } catch (cause) {
      this.#fail(event, cause)
    }
  }

  #fail(event: SessionEvent, cause: unknown): void {
    try {
      this.#onError(new ListenerError(event.type, { cause }))
    } catch {
      // An onError that throws itself has nowhere left to report to; the request goes on.
    }
  }
}
