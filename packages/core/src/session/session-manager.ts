import { type CookieAttributes, deleteCookie, getCookie, serializeCookie } from '../cookie/index.js'
import { CSRF_COOKIE_PURPOSE, readCsrfCookie } from '../csrf/csrf-secret.js'
import { ConfigError, CookieError, StoreError } from '../errors.js'
import type { JsonWebKeySet } from '../jwt/jwt-key-set.js'
import { type ResolvedJwtOptions, resolveJwtOptions } from '../jwt/jwt-session-options.js'
import { SessionJwtCodec } from '../jwt/session-jwt-codec.js'
import { Keyring } from '../keys/keyring.js'
import { constantTimeEqual } from '../lib/constant-time-equal.js'
import { type RandomSource, secureRandom } from '../lib/random.js'
import { sha256 } from '../lib/sha256.js'
import { withTimeout } from '../lib/with-timeout.js'
import { expiresAt, type SessionRecord } from '../store/session-record.js'
import type { Clock, SessionStore } from '../store/session-store.js'
import { StoreOutageLog } from '../store/store-outage-log.js'
import { upgradeRecord } from '../store/upgrade-record.js'
import { type Credential, newCredential, newSessionId, parseCredential } from './credential.js'
import { Session } from './session.js'
import { applyOp, draftOf, internalsOf, isEmptyDraft, withInternals } from './session-draft.js'
import type { SessionEvent, SessionEventListener, SessionEventType } from './session-events.js'
import type { SessionManagerOptions } from './session-options.js'
import {
  type SessionLoader,
  type SessionRequest,
  type SessionState,
  STATE,
} from './session-state.js'

/** What a response must carry after a request used its session. */
export interface CommitResult {
  /** `Set-Cookie` header values, in order. */
  setCookie: string[]
  /** Add `Vary: Cookie`: the response depends on the session. */
  vary: boolean
  /** Set `Cache-Control: no-store`: the response carries a credential. */
  noStore: boolean
  /**
   * The request header the session was read through (`X-Session-Token`, or
   * `Authorization` for a bearer token), when it was: the response varies on it and is
   * `private, no-store`, since `Vary: Cookie` alone would let a cache hand it to a
   * client without that header.
   */
  viaHeader?: string
}

const NOTHING: CommitResult = Object.freeze({
  setCookie: [],
  vary: false,
  noStore: false,
}) as CommitResult
const MAX_USER_AGENT = 512
const MAX_IP = 64

interface Resolved {
  store: SessionStore
  cookieName: string
  cookie: Omit<CookieAttributes, 'secure' | 'maxAge' | 'expires'>
  secure: boolean | 'auto'
  idleMs: number
  absoluteMs: number
  renewalMs: number
  browserClose: boolean
  timeout: number
  outages: StoreOutageLog | null
  retries: number
  clock: Clock
  random: RandomSource
  tokenHeader: string
  bearer: boolean
  jwt: ResolvedJwtOptions | null
}

/**
 * Loads and saves sessions for one application: Django's `SessionMiddleware` and
 * `SessionStore` engine, framework-free. Adapters call {@link open} when a request
 * arrives and {@link commit} before the response leaves.
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
  readonly #o: Resolved
  readonly #keys: Keyring
  readonly #loader: SessionLoader
  readonly #jwt: SessionJwtCodec | null
  readonly #listeners = new Map<SessionEventType, Set<(event: SessionEvent) => void>>()
  #events: Promise<void> = Promise.resolve()

  constructor(options: SessionManagerOptions) {
    this.#o = resolve(options)
    this.#keys = new Keyring(options.secret, options.fallbackSecrets ?? [])
    this.#jwt = this.#o.jwt && new SessionJwtCodec(this.#o.jwt, this.#o.cookieName)
    this.#loader = {
      keys: this.#keys,
      csrfCookieName: `${this.#o.cookieName}_csrf`,
      load: (state) => this.#load(state),
      hashSecret: (secret) => sha256(secret),
      newCredential: (id) => newCredential(id, this.#o.random),
      newSessionId: () => newSessionId(this.#o.random),
      tokenOf: (request) => this.#tokenOf(request),
      clock: () => this.#o.clock(),
      call: (operation, run) => this.#call(operation, () => run(this.#o.store)),
      emit: (event) => this.#emit(() => event),
      jwt: this.#jwt,
    }
  }

  /**
   * The public keys that verify this app's session JWTs, as a JWKS (`{ keys: [] }` in the
   * opaque format or with HS256 keys). Adapters serve it at `/.well-known/jwks.json`.
   *
   * @example
   * ```ts
   * app.use(jwks(manager)) // Hono: answers GET /.well-known/jwks.json with manager.jwks()
   * ```
   */
  jwks(): JsonWebKeySet {
    return this.#o.jwt ? this.#o.jwt.keys.jwks(this.#o.clock()) : { keys: [] }
  }

  /** The signing keys (current secret plus fallbacks), for features built on sessions. */
  get keys(): Keyring {
    return this.#keys
  }

  /** Name of the session cookie. */
  get cookieName(): string {
    return this.#o.cookieName
  }

  /** Starts a request's session. Synchronous and free: no parsing, no store call yet. */
  open(request: SessionRequest): Session {
    const meta: SessionRecord['meta'] = {}
    if (request.userAgent) meta.userAgent = request.userAgent.slice(0, MAX_USER_AGENT)
    if (request.ip) meta.ip = request.ip.slice(0, MAX_IP)
    const state: SessionState = {
      request,
      loader: this.#loader,
      loading: null,
      loaded: false,
      base: null,
      credential: null,
      credentialHash: null,
      draft: draftOf(null, meta),
      ops: [],
      accessed: false,
      modified: false,
      destroyedId: null,
      rotated: null,
      kind: null,
      issuedToken: null,
      tokenShown: false,
      newId: null,
      meta,
      cookieOverride: null,
      jwtReissue: false,
      cookieCsrf: null,
      afterStore: [],
    }
    return new Session(state)
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<T extends SessionEventType>(type: T, listener: SessionEventListener<T>): () => void {
    const set = this.#listeners.get(type) ?? new Set()
    this.#listeners.set(type, set)
    const l = listener as (event: SessionEvent) => void
    set.add(l)
    return () => set.delete(l)
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
    return this.#events
  }

  /**
   * Saves what the request changed and says which headers the response needs. Throws
   * {@link StoreError} when the store fails or times out; adapters answer 503.
   */
  async commit(session: Session): Promise<CommitResult> {
    const ready = this.commitNow(session)
    if (ready) return ready
    const state = session[STATE]
    if (state.loading) await state.loading
    const o = this.#o
    const out: CommitResult = { setCookie: [], vary: state.accessed, noStore: state.tokenShown }
    this.#markHeader(state, out)
    const now = o.clock()

    if (state.destroyedId) {
      const id = state.destroyedId
      await this.#call('delete', () => o.store.delete(id))
      this.#emit(() => ({ type: 'destroyed', session: id, at: now, reason: 'flush' }))
    }

    if (!state.base) {
      if (isEmptyDraft(state.draft)) {
        // Tell the browser to drop a cookie that leads nowhere (flushed, expired, forged).
        if (
          state.request.cookie != null &&
          getCookie(state.request.cookie, o.cookieName) !== undefined
        ) {
          this.#clearCookie(state, out)
        } else if (state.destroyedId) this.#clearCookie(state, out)
        this.#csrfBackToCookie(state)
        await this.#csrfCookie(state, out)
        return out
      }
      await this.#create(state, now, out)
      await this.#csrfCookie(state, out)
      await this.#afterStore(state)
      return out
    }

    if (state.modified) {
      if (await this.#save(state, out)) await this.#afterStore(state)
      return out
    }

    const base = state.base
    if (now - base.lastSeenAt >= o.renewalMs && state.credential) {
      const idleExpiresAt = now + this.#idleMs(base.meta)
      const touched = await this.#call('touch', () => o.store.touch(base.id, now, idleExpiresAt))
      if (touched)
        await this.#sendCookie(state, state.credential, { ...base, idleExpiresAt }, now, out)
    } else if (state.jwtReissue && state.credential) {
      // An expired, ageing or old-key JWT: a fresh token, no store write.
      await this.#sendCookie(state, state.credential, base, now, out)
    }
    return out
  }

  /**
   * What {@link commit} would answer, computed at once when saving needs no store call:
   * the session was never touched, or it was loaded and only read and its sliding
   * renewal is not due nor its session JWT due for re-issue (the common read-only
   * request). `undefined` otherwise: await
   * `commit` then. For adapters that must hold the response while a commit runs
   * (Express), this saves the hold on most requests.
   *
   * @example
   * ```ts
   * const result = sessions.commitNow(session) ?? (await sessions.commit(session))
   * ```
   */
  commitNow(session: Session): CommitResult | undefined {
    const state = session[STATE]
    if (!state.accessed && !state.modified) return NOTHING
    const base = state.base
    if (!state.loaded || state.modified || state.destroyedId || !base) return undefined
    // A JWT cookie that is expired, ageing or signed by an old key is re-issued at commit.
    if (state.jwtReissue) return undefined
    if (state.credential && this.#o.clock() - base.lastSeenAt >= this.#o.renewalMs) return undefined
    const out: CommitResult = { setCookie: [], vary: state.accessed, noStore: state.tokenShown }
    this.#markHeader(state, out)
    return out
  }

  /** Names the header a token-loaded session was read through (see `CommitResult.viaHeader`). */
  #markHeader(state: SessionState, out: CommitResult): void {
    if (!state.accessed || state.kind !== 'token') return
    out.viaHeader = state.request.header?.(this.#o.tokenHeader)
      ? this.#o.tokenHeader
      : 'Authorization'
  }

  async #load(state: SessionState): Promise<void> {
    // A valid header token wins over the cookie; a bogus one is ignored, so the request
    // is treated as the cookie request it is (and stays subject to CSRF checks).
    const token = this.#tokenOf(state.request)
    // `loaded` is set here, not by a wrapper: one promise hop less on every request.
    if (token !== undefined && (await this.#loadWith(state, token, 'token'))) {
      state.loaded = true
      return
    }
    let raw = getCookie(state.request.cookie, this.#o.cookieName)
    if (raw !== undefined && this.#jwt) raw = await this.#openJwt(state, raw)
    if (raw !== undefined) await this.#loadWith(state, raw, 'cookie')
    state.loaded = true
  }

  /** The credential inside a session JWT cookie, or `undefined` when it does not verify. */
  async #openJwt(state: SessionState, token: string): Promise<string | undefined> {
    const now = this.#o.clock()
    const verified = await this.#jwt?.read(token, now, this.#o.jwt?.acceptExpired ?? 0)
    if (!verified) {
      this.#emit(() => ({ type: 'invalidCredential', at: now, reason: 'malformed' }))
      return undefined
    }
    state.jwtReissue = verified.reissue
    return verified.credential
  }

  async #loadWith(state: SessionState, raw: string, kind: 'cookie' | 'token'): Promise<boolean> {
    const now = this.#o.clock()
    const credential = parseCredential(raw)
    if (!credential) {
      this.#emit(() => ({ type: 'invalidCredential', at: now, reason: 'malformed' }))
      return false
    }
    const record = await this.#call('get', () => this.#o.store.get(credential.id))
    if (!record) {
      this.#emit(() => ({ type: 'invalidCredential', at: now, reason: 'unknown' }))
      return false
    }
    const hash = await sha256(credential.secret)
    if (!holdsCredential(record, kind, hash)) {
      this.#emit(() => ({
        type: 'invalidCredential',
        at: now,
        reason: 'mismatch',
        session: record.id,
      }))
      return false
    }
    if (now >= expiresAt(record)) {
      // Enforced here as well as in the store: the manager's clock is the one that counts.
      const reason = now >= record.absoluteExpiresAt ? 'absolute' : 'idle'
      await this.#call('delete', () => this.#o.store.delete(record.id))
      this.#emit(() => ({ type: 'expired', session: record.id, at: now, reason }))
      return false
    }
    // Records written before the core's state had fields of its own load with it moved
    // out of the data; the next save writes them in the new shape.
    state.base = upgradeRecord(record)
    state.credential = credential
    state.credentialHash = hash
    state.kind = kind
    state.draft = draftOf(state.base)
    return true
  }

  #tokenOf(request: SessionRequest): string | undefined {
    const header = request.header
    if (!header) return undefined
    const token = header(this.#o.tokenHeader)
    if (token) return token.trim()
    if (this.#o.bearer) {
      const auth = header('authorization')
      // RFC 6750 §2.1: the scheme is case-insensitive, one space before the token.
      const m = auth ? /^Bearer +([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(auth) : null
      if (m) return m[1]
    }
    return undefined
  }

  async #create(state: SessionState, now: number, out: CommitResult): Promise<void> {
    const o = this.#o
    const draft = state.draft
    // The session becomes worth storing: the CSRF secret the browser held in its signed
    // cookie moves in (unless this request set one, as login's rotation does), even when
    // nothing read it in this request, so the tokens the page holds keep working.
    if (draft.internal.csrfSecret === undefined && state.kind !== 'token') {
      const secret = await readCsrfCookie(state)
      if (secret !== undefined) draft.internal.csrfSecret = secret
    }
    // A session that handed out a token before it existed must be stored under the id
    // inside that token; others may retry with a fresh id on the (2^-128) collision.
    const attempts = state.newId ? 1 : 3
    for (let attempt = 0; attempt < attempts; attempt++) {
      const credential = newCredential(state.newId ?? newSessionId(o.random), o.random)
      const absoluteExpiresAt = Math.min(
        now + o.absoluteMs,
        draft.expireBy ?? Number.POSITIVE_INFINITY,
      )
      const record: SessionRecord = {
        id: credential.id,
        data: draft.data,
        userId: draft.userId,
        authHash: draft.authHash,
        credentials: withTokens({ cookie: await sha256(credential.secret) }, draft.added),
        createdAt: now,
        lastSeenAt: now,
        idleExpiresAt: now + this.#idleMs(draft.meta),
        absoluteExpiresAt,
        version: 1,
        meta: draft.meta,
        ...internalsOf(draft.internal),
      }
      // Insert-if-absent: a colliding id (2^-128) must never overwrite someone's session.
      if (await this.#call('create', () => o.store.create(record))) {
        state.base = record
        state.credential = credential
        await this.#sendCookie(state, credential, record, now, out)
        this.#emit(() => ({ type: 'created', session: record.id, at: now }))
        return
      }
    }
    throw new StoreError('STORE_CONFLICT', 'create')
  }

  /** Runs what the request asked to run once its session is stored (see `SessionState.afterStore`). */
  async #afterStore(state: SessionState): Promise<void> {
    const id = state.base?.id
    if (id === undefined) return
    for (const run of state.afterStore.splice(0)) await run(id)
  }

  /** Saves the request's changes; `true` when the session is in the store afterwards. */
  async #save(state: SessionState, out: CommitResult): Promise<boolean> {
    const o = this.#o
    let base = state.base as SessionRecord
    for (let attempt = 0; ; attempt++) {
      const now = o.clock()
      const draft = state.draft
      if (isEmptyDraft(draft)) {
        // Everything was removed: the session ends rather than lingering empty.
        await this.#call('delete', () => o.store.delete(base.id))
        this.#emit(() => ({ type: 'destroyed', session: base.id, at: now, reason: 'emptied' }))
        this.#clearCookie(state, out)
        state.base = null
        this.#csrfBackToCookie(state)
        await this.#csrfCookie(state, out)
        return false
      }
      const next: SessionRecord = withInternals(
        {
          ...base,
          data: draft.data,
          userId: draft.userId,
          authHash: draft.authHash,
          meta: draft.meta,
          credentials: withTokens(
            draft.rotatedHash ? { cookie: draft.rotatedHash } : base.credentials,
            draft.added,
          ),
          lastSeenAt: now,
          idleExpiresAt: now + this.#idleMs(draft.meta),
          absoluteExpiresAt: Math.min(
            base.absoluteExpiresAt,
            draft.expireBy ?? Number.POSITIVE_INFINITY,
          ),
          version: base.version + 1,
        },
        draft.internal,
      )
      const result = await this.#call('update', () => o.store.update(next, base.version))
      if (result === 'ok') {
        state.base = next
        const credential = state.rotated ?? state.credential
        if (credential) await this.#sendCookie(state, credential, next, now, out)
        if (state.rotated) this.#emit(() => ({ type: 'rotated', session: next.id, at: now }))
        return true
      }
      // 'missing': logged out or revoked meanwhile. Never resurrect it, and send no
      // cookie: a later login may already have given the browser a new one.
      if (result === 'missing') return false
      if (attempt >= o.retries) throw new StoreError('STORE_CONFLICT', 'update')
      await backoff(attempt, o.random)
      const fresh = await this.#call('get', () => o.store.get(base.id))
      // The credential this request was authenticated with must still be live on the
      // winning record; if another request rotated or revoked it, these changes die too.
      if (
        !fresh ||
        !state.credentialHash ||
        !state.kind ||
        !holdsCredential(fresh, state.kind, state.credentialHash)
      ) {
        return false
      }
      base = upgradeRecord(fresh)
      state.base = base
      state.draft = draftOf(base)
      for (const op of state.ops) applyOp(state.draft, op)
    }
  }

  #idleMs(meta: SessionRecord['meta']): number {
    return meta.idleTimeout !== undefined ? meta.idleTimeout * 1000 : this.#o.idleMs
  }

  #attributes(state: SessionState): CookieAttributes {
    const secure = this.#o.secure === 'auto' ? state.request.secure : this.#o.secure
    return { ...this.#o.cookie, secure, ...state.cookieOverride }
  }

  async #sendCookie(
    state: SessionState,
    credential: Credential,
    record: SessionRecord,
    now: number,
    out: CommitResult,
  ): Promise<void> {
    // Cookieless clients authenticate with the header token; they get no session cookie.
    if (state.kind === 'token') return
    const attributes = this.#attributes(state)
    if (!(this.#o.browserClose || record.meta.browserSession)) {
      attributes.maxAge = Math.max(0, Math.ceil((expiresAt(record) - now) / 1000))
    }
    const value = this.#jwt
      ? await this.#jwt.issue(credential.value, record, now)
      : credential.value
    out.setCookie.push(serializeCookie(this.#o.cookieName, value, attributes))
    out.noStore = true
  }

  /**
   * The signed cookie holding the CSRF secret of a session that is not stored: set when
   * the secret is new in this request, cleared once the session is stored (the secret
   * now lives there) or flushed, so a browser holds its secret in one place only.
   */
  async #csrfCookie(state: SessionState, out: CommitResult): Promise<void> {
    if (state.kind === 'token') return
    const name = this.#loader.csrfCookieName
    const held = state.cookieCsrf
    if (!state.base && held?.send) {
      const mac = await this.#keys.sign(CSRF_COOKIE_PURPOSE, held.secret)
      // No Max-Age: it ends with the browser, and an unstored session has no expiry to follow.
      out.setCookie.push(serializeCookie(name, `${held.secret}.${mac}`, this.#attributes(state)))
      out.noStore = true
    } else if (
      (state.base || state.destroyedId) &&
      state.request.cookie != null &&
      getCookie(state.request.cookie, name) !== undefined
    ) {
      out.setCookie.push(deleteCookie(name, this.#attributes(state)))
      out.noStore = true
    }
  }

  /**
   * A session left with nothing worth storing keeps its CSRF secret all the same: back
   * in the signed cookie, as for any session not stored, so the page's tokens still work.
   */
  #csrfBackToCookie(state: SessionState): void {
    const secret = state.draft.internal.csrfSecret
    if (secret !== undefined && state.cookieCsrf?.secret !== secret)
      state.cookieCsrf = { secret, send: true }
  }

  #clearCookie(state: SessionState, out: CommitResult): void {
    if (state.kind === 'token') return
    out.setCookie.push(deleteCookie(this.#o.cookieName, this.#attributes(state)))
    out.noStore = true
  }

  #call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const pending = withTimeout(operation, this.#o.timeout, call)
    return this.#o.outages ? this.#o.outages.track(pending) : pending
  }

  #emit(make: () => SessionEvent): void {
    const event = make()
    const set = this.#listeners.get(event.type)
    if (!set || set.size === 0) return
    // Listeners never see the raw id: it is replaced by a salted hash first. Hashing is
    // async, so events go through one queue to reach listeners in the order they happened.
    const raw = 'session' in event ? event.session : undefined
    this.#events = this.#events
      .then(async () => {
        const safe =
          raw === undefined
            ? event
            : { ...event, session: (await this.#keys.sign('tessera.event-id', raw)).slice(0, 22) }
        for (const listener of set) {
          try {
            listener(safe)
          } catch {
            // A failing listener must not fail the request that triggered the event.
          }
        }
      })
      .catch(() => undefined)
  }
}

/** Most header tokens one session keeps alive: each render of a page may issue one. */
const MAX_TOKENS = 8

/** Whether `record` holds a credential of `kind` whose secret hashes to `hash` (constant time). */
function holdsCredential(record: SessionRecord, kind: 'cookie' | 'token', hash: string): boolean {
  let found = false
  for (const [key, stored] of Object.entries(record.credentials)) {
    // django-shared-session: each shared site holds its own cookie credential, `cookie@<origin>`.
    const ofKind =
      kind === 'cookie' ? key === 'cookie' || key.startsWith('cookie@') : key.startsWith('token:')
    if (ofKind && constantTimeEqual(hash, stored)) found = true
  }
  return found
}

/** `credentials` plus newly issued tokens, keeping only the newest {@link MAX_TOKENS} tokens. */
function withTokens(
  credentials: Record<string, string>,
  added: Record<string, string>,
): Record<string, string> {
  const all = { ...credentials, ...added }
  const tokens = Object.keys(all)
    .filter((k) => k.startsWith('token:'))
    // Keys are `token:<issued ms>:<n>`; numeric order is issue order whatever a store
    // does to key order (PostgreSQL's jsonb sorts keys).
    .sort((a, b) => Number(a.split(':')[1]) - Number(b.split(':')[1]))
  for (const key of tokens.slice(0, Math.max(0, tokens.length - MAX_TOKENS))) delete all[key]
  return all
}

function backoff(attempt: number, random: RandomSource): Promise<void> {
  // Full jitter, capped: contention clears in a few rounds without synchronised retries.
  const cap = Math.min(2 ** attempt, 25)
  const ms = ((random(1)[0] as number) / 256) * cap
  return new Promise((r) => setTimeout(r, ms))
}

function tokenHeader(name: string | undefined): string {
  if (name === undefined) return 'x-session-token'
  if (
    typeof name !== 'string' ||
    !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) ||
    /^(cookie|authorization)$/i.test(name)
  ) {
    throw new ConfigError('token.header must be a header name other than Cookie and Authorization')
  }
  return name.toLowerCase()
}

function outageLog(value: unknown): StoreOutageLog | null {
  if (value === undefined) return null
  if (!(value instanceof StoreOutageLog)) {
    throw new ConfigError('storeOutageLog must be a StoreOutageLog')
  }
  return value
}

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive whole number, got ${String(value)}`)
  }
  return value
}

function resolve(options: SessionManagerOptions): Resolved {
  if (!options || typeof options !== 'object')
    throw new ConfigError('SessionManager needs an options object')
  const store = options.store
  for (const method of [
    'get',
    'create',
    'update',
    'touch',
    'delete',
    'listByUser',
    'deleteByUser',
    'deleteExpired',
  ] as const) {
    if (!store || typeof store[method] !== 'function') {
      throw new ConfigError(`store must implement the SessionStore contract (missing ${method}())`)
    }
  }
  const idle = positiveInt('idleTimeout', options.idleTimeout, 1_209_600)
  const absolute = positiveInt('absoluteTimeout', options.absoluteTimeout, 2_592_000)
  if (idle > absolute) throw new ConfigError('idleTimeout must not exceed absoluteTimeout')
  const renewal =
    options.renewalInterval === 0
      ? 0
      : positiveInt('renewalInterval', options.renewalInterval, Math.min(300, Math.floor(idle / 4)))
  if (renewal > idle / 2)
    throw new ConfigError('renewalInterval must be at most half of idleTimeout')
  const c = options.cookie ?? {}
  const cookieName = c.name ?? 'sessionid'
  const secure = c.secure ?? 'auto'
  if (secure !== true && secure !== false && secure !== 'auto') {
    throw new ConfigError(`cookie.secure must be true, false or 'auto'`)
  }
  const cookie: Resolved['cookie'] = {
    path: c.path ?? '/',
    httpOnly: c.httpOnly ?? true,
    sameSite: c.sameSite ?? 'Lax',
  }
  if (c.domain !== undefined) cookie.domain = c.domain
  if (c.partitioned) cookie.partitioned = true
  // Serialise once now so a bad name, attribute or prefix fails at startup, not on a request.
  const sample = `${'A'.repeat(22)}.${'A'.repeat(43)}`
  for (const s of secure === 'auto' ? [true, false] : [secure]) {
    try {
      serializeCookie(cookieName, sample, { ...cookie, secure: s, maxAge: 1 })
    } catch (e) {
      if (!(e instanceof CookieError)) throw e
      const hint = secure === 'auto' && !s ? ' (cookie.secure is "auto": set it to true)' : ''
      throw new ConfigError(`Invalid session cookie options: ${e.message}${hint}`)
    }
  }
  return {
    store,
    cookieName,
    cookie,
    secure,
    idleMs: idle * 1000,
    absoluteMs: absolute * 1000,
    renewalMs: renewal * 1000,
    browserClose: options.expireAtBrowserClose ?? false,
    timeout: positiveInt('storeTimeout', options.storeTimeout, 1000),
    outages: outageLog(options.storeOutageLog),
    retries: positiveInt('maxConflictRetries', options.maxConflictRetries, 128),
    clock: options.clock ?? Date.now,
    random: options.random ?? secureRandom,
    tokenHeader: tokenHeader(options.token?.header),
    bearer: options.token?.bearer ?? false,
    jwt: resolveJwtOptions(options.format, options.jwt, idle),
  }
}
