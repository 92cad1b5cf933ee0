import type { UserProvider } from '../auth/user-provider.js'
import type { JsonWebKeySet } from '../jwt/jwt-key-set.js'
import { SessionJwtCodec } from '../jwt/session-jwt-codec.js'
import { Keyring } from '../keys/keyring.js'
import { sha256, sha256Now } from '../lib/sha256.js'
import { TurnQueue } from '../lib/turn-queue.js'
import { callStore, callStoreNow } from '../store/call-store.js'
import { checkRecord } from '../store/check-record.js'
import { companionRead } from '../store/companion-read.js'
import type { CommitResult } from './commit-result.js'
import { commitNow, commitSession } from './commit-session.js'
import { newCredential, newSessionCredential, newSessionId } from './credential.js'
import { loadSession } from './load-session.js'
import { readHeaderToken } from './read-header-token.js'
import { type ResolvedSessionOptions, resolveSessionOptions } from './resolve-session-options.js'
import { Session } from './session.js'
import { SessionEventBus } from './session-event-bus.js'
import type { SessionEventListener, SessionEventType } from './session-events.js'
import type { SessionManagerOptions } from './session-options.js'
import type { SessionLoader, SessionRequest, SessionState } from './session-state.js'
import { STATE } from './session-state.js'

export type { CommitResult } from './commit-result.js'

/**
 * Loads and saves sessions for one application: Django's `SessionMiddleware` and
 * `SessionStore` engine, framework-free. Adapters call {@link open} when a request
 * arrives and {@link commit} before the response leaves. Make it with `createTessera()`,
 * which builds management, throttling, audit and shared sessions from the same options.
 *
 * Guarantees: a request that never awaits a session method makes no store call; a
 * malformed, unknown, tampered or expired credential yields a new empty session and
 * writes nothing; an empty session is never stored; concurrent requests that change
 * different keys of one session all land; store failures and timeouts surface as one
 * {@link StoreError}.
 *
 * @example
 * ```ts
 * const sessions = new SessionManager({
 *   store: new SqliteStore({ path: 'sessions.sqlite3' }),
 *   secret: process.env.TESSERA_SECRET!,
 *   idleTimeout: 60 * 60 * 24, // a day of inactivity
 * })
 * const session = sessions.open({ cookie: request.headers.get('cookie'), secure: true })
 * await session.set('theme', 'dark')
 * const { setCookie } = await sessions.commit(session)
 * ```
 */
export class SessionManager {
  readonly #o: ResolvedSessionOptions
  readonly #keys: Keyring
  readonly #loader: SessionLoader
  readonly #events: SessionEventBus

  constructor(options: SessionManagerOptions) {
    const o = resolveSessionOptions(options)
    this.#o = o
    this.#keys = new Keyring(options.secret, o.fallbackSecrets)
    this.#events = new SessionEventBus(this.#keys, o.onError)
    const getNow = companionRead(o.store, 'getNow')
    const getShared = companionRead(o.store, 'getShared')
    this.#loader = {
      options: o,
      keys: this.#keys,
      csrfCookieName: `${o.cookieName}_csrf`,
      retries: o.retries,
      random: o.random,
      load: loadSession,
      hashSecret: sha256,
      hashSecretNow: sha256Now,
      newCredential: (id) => newCredential(id, o.random),
      newSessionCredential: () => newSessionCredential(o.random),
      newSessionId: () => newSessionId(o.random),
      tokenOf: (request) => readHeaderToken(request, o),
      clock: () => o.clock(),
      call: (operation, run) => callStore(o, operation, () => run(o.store)),
      getNow: getNow && ((id) => callStoreNow(o, 'get', () => checkRecord(getNow(id)))),
      turn: o.batchLoads && getNow !== undefined ? new TurnQueue() : null,
      read: (id) =>
        callStore(o, 'get', async () => checkRecord(await (getShared?.(id) ?? o.store.get(id)))),
      emit: (event) => this.#events.emit(event),
      jwt: o.jwt && new SessionJwtCodec(o.jwt, o.cookieName),
    }
  }

  /**
   * The public keys that verify this app's session JWTs, as a JWKS (`{ keys: [] }` in the
   * opaque format or with HS256 keys). Adapters serve it at `/.well-known/jwks.json`.
   *
   * @example
   * ```ts
   * app.use(session(manager, { jwks: true })) // Hono: GET /.well-known/jwks.json
   * ```
   */
  jwks(): JsonWebKeySet {
    return this.#o.jwt ? this.#o.jwt.keys.jwks(this.#o.clock()) : { keys: [] }
  }

  /** The signing keys (current secret plus fallbacks), for features built on sessions. */
  get keys(): Keyring {
    return this.#keys
  }

  /**
   * The `users` option: the provider that vets a session's user before a JWT is
   * re-issued for it, and that introspection checks users with by default.
   */
  get users(): UserProvider | undefined {
    return this.#o.users ?? undefined
  }

  /** Name of the session cookie. */
  get cookieName(): string {
    return this.#o.cookieName
  }

  /** Starts a request's session. Synchronous and free: no parsing, no store call yet. */
  open(request: SessionRequest): Session {
    const state: SessionState = {
      request,
      loader: this.#loader,
      loading: null,
      loaded: false,
      base: null,
      credential: null,
      credentialHash: null,
      draft: null,
      ops: [],
      accessed: false,
      modified: false,
      destroyedId: null,
      rotated: null,
      kind: null,
      issuedToken: null,
      tokenShown: false,
      newId: null,
      meta: null,
      cookieOverride: null,
      jwtReissue: false,
      cookieCsrf: null,
      afterStore: [],
      slots: null,
    }
    return new Session(state)
  }

  /**
   * Subscribes to an event; returns the function that unsubscribes. A listener that
   * throws or rejects never fails the request: its error reaches the `onError` option.
   */
  on<T extends SessionEventType>(type: T, listener: SessionEventListener<T>): () => void {
    return this.#events.on(type, listener)
  }

  /**
   * Resolves once every event emitted so far has reached its listeners. Events are
   * delivered asynchronously (their ids are hashed first); await this before a process
   * exits, and in tests instead of waiting for a timer.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => server.close(() => void sessions.settled().then(() => process.exit(0))))
   * ```
   */
  settled(): Promise<void> {
    return this.#events.settled()
  }

  /**
   * Saves what the request changed and says which headers the response needs. Throws
   * {@link StoreError} when the store fails or times out; adapters answer 503.
   */
  commit(session: Session): Promise<CommitResult> {
    return commitSession(session[STATE])
  }

  /**
   * What {@link commit} would answer, computed at once when saving needs no store call:
   * the session was never touched, or it was loaded and only read and its sliding
   * renewal is not due nor its session JWT due for re-issue (the common read-only
   * request). `undefined` otherwise: await `commit` then. For adapters that must hold
   * the response while a commit runs (Express), this saves the hold on most requests.
   *
   * @example
   * ```ts
   * const result = sessions.commitNow(session) ?? (await sessions.commit(session))
   * ```
   */
  commitNow(session: Session): CommitResult | undefined {
    return commitNow(session[STATE])
  }
}
