import type { CookieAttributes } from '../cookie/index.js'
import type { SessionJwtCodec } from '../jwt/session-jwt-codec.js'
import type { Keyring } from '../keys/keyring.js'
import type { SessionRecord } from '../store/session-record.js'
import { type CasStep, compareAndSet } from './compare-and-set.js'
import type { Credential } from './credential.js'
import { holdCsrfInCookie, readCsrfCookie } from './csrf-cookie-secret.js'
import type { Session } from './session.js'
import type { SessionEvent } from './session-events.js'
import {
  internalIn,
  isEmptyUnstored,
  loadState,
  type SessionState,
  STATE,
  switchSession,
} from './session-state.js'

/**
 * The named operations that features built on sessions (CSRF, session JWTs, management,
 * shared sessions) use on the request's session, instead of its private state. Internal
 * to the core: not exported from the package root.
 *
 * @example
 * ```ts
 * const ops = operationsOf(session)
 * const id = await ops.currentId()
 * ```
 */
export function operationsOf(session: Session): SessionOperations {
  return new SessionOperations(session[STATE])
}

/** See {@link operationsOf}. */
export class SessionOperations {
  readonly #state: SessionState

  constructor(state: SessionState) {
    this.#state = state
  }

  /** The signing keys of the manager that opened the session. */
  get keys(): Keyring {
    return this.#state.loader.keys
  }

  /** The session JWT codec in the `jwt` format (django-session-jwt), else `null`. */
  get jwt(): SessionJwtCodec | null {
    return this.#state.loader.jwt
  }

  /** The manager's clock (the one tests freeze). */
  now(): number {
    return this.#state.loader.clock()
  }

  /** Emits an event; its `session` id is salted-hashed first, as the manager's own are. */
  emit(event: SessionEvent): void {
    this.#state.loader.emit(event)
  }

  /** A fresh credential (`<id>.<secret>`) for session `id`, and the hash of its secret. */
  async newCredential(id: string): Promise<{ credential: Credential; hash: string }> {
    const credential = this.#state.loader.newCredential(id)
    return { credential, hash: await this.#state.loader.hashSecret(credential.secret) }
  }

  /** The SHA-256 hash under which a secret is stored. */
  hashSecret(secret: string): Promise<string> {
    return this.#state.loader.hashSecret(secret)
  }

  /** A short random tag from the manager's random source (a transfer code's key). */
  newTag(): string {
    return this.#state.loader.newSessionId().slice(0, 11)
  }

  /** A compare-and-set on record `id` with the manager's store, timeout and retry policy. */
  compareAndSet<T>(
    id: string,
    decide: (current: SessionRecord | null) => CasStep<T> | Promise<CasStep<T>>,
  ): Promise<T> {
    return compareAndSet(this.#state.loader, id, decide)
  }

  /** Loads the session; the id of its record when it is in the store, else `null`. */
  async storedId(): Promise<string | null> {
    return (await loadState(this.#state)).base?.id ?? null
  }

  /**
   * The store id of the session, loading it first: the loaded record's id, or the id
   * reserved for a session this request will create (reserved here, as
   * `getSessionToken()` does, so an event can name it before it is stored). `null` only
   * for a session that will not be stored (no data, no user).
   */
  async currentId(): Promise<string | null> {
    const state = await loadState(this.#state)
    if (state.base) return state.base.id
    if (isEmptyUnstored(state)) return null
    state.newId ??= state.loader.newSessionId()
    return state.newId
  }

  /**
   * The stored session and the hash of the credential this request authenticated with,
   * or `null` for a session not stored yet.
   */
  async heldCredential(): Promise<{ id: string; hash: string } | null> {
    const state = await loadState(this.#state)
    if (!state.base || !state.credentialHash) return null
    return { id: state.base.id, hash: state.credentialHash }
  }

  /** Whether the session was loaded from a live cookie credential (not a header token). */
  async loadedFromCookie(): Promise<boolean> {
    const state = await loadState(this.#state)
    return state.base !== null && state.kind === 'cookie'
  }

  /**
   * Runs `run` with the session's store id once the request's commit has stored it (not
   * at all when it is not stored: emptied, or revoked meanwhile). Errors reject the
   * commit (a `StoreError` is a 503, as any store failure at commit).
   */
  afterStore(run: (id: string) => Promise<void>): void {
    this.#state.afterStore.push(run)
  }

  /**
   * Makes the request carry `record` (a session another site shared) with `credential`,
   * a credential of this site's own for it, instead of its own session: that one ends
   * (deleted at commit), this request's changes are dropped, and the commit sends the
   * cookie with `cookie` attributes (django-shared-session's adoption).
   */
  adopt(
    record: SessionRecord,
    credential: Credential,
    hash: string,
    cookie: Partial<CookieAttributes>,
  ): void {
    const state = this.#state
    switchSession(state, record, { credential, hash })
    state.kind = 'cookie'
    state.accessed = true
    state.cookieOverride = cookie
  }

  /**
   * The response will carry a credential in its body or its `Location` (a shared-session
   * transfer code), as `getSessionToken()` does: it is sent `Cache-Control: no-store`.
   */
  showsCredential(): void {
    this.#state.tokenShown = true
  }

  /**
   * Whether the request carries a session header token (`X-Session-Token`), valid or
   * not: read without loading the session. Only such a request can be authenticated by
   * one (`Session.authenticatedByToken`).
   */
  carriesToken(): boolean {
    const state = this.#state
    return state.loader.tokenOf(state.request) !== undefined
  }

  /**
   * The CSRF secret field of the loaded session (the draft's if changed), unchecked; and
   * when the session has no stored record, the signed cookie's secret is what binds it
   * instead: {@link csrfCookieSecret}.
   */
  async csrfSecretField(): Promise<unknown> {
    return internalIn(await loadState(this.#state)).csrfSecret
  }

  /**
   * The CSRF secret in the request's signed cookie, only while the session is not
   * stored (a stored session's secret is in its record, and a cookie planted next to it
   * must not stand in for it). Untrusted input: never throws.
   */
  async csrfCookieSecret(): Promise<string | undefined> {
    const state = await loadState(this.#state)
    return state.base === null ? readCsrfCookie(state) : undefined
  }

  /** Keeps `secret` in the signed CSRF cookie for this response (the session stays unstored). */
  holdCsrfInCookie(secret: string): void {
    holdCsrfInCookie(this.#state, secret)
  }
}
