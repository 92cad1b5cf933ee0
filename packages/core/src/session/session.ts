import { ArgumentError } from '../errors.js'
import type { RandomSource } from '../lib/random.js'
import type { JsonValue, SessionData } from '../store/session-record.js'
import { LEGACY_KEYS } from '../store/upgrade-record.js'
import { isEmptyDraft, ownRecord, type SessionOp } from './session-draft.js'
import {
  dataIn,
  draftIn,
  loadedState,
  recordOp,
  type SessionState,
  STATE,
  switchSession,
  userIn,
} from './session-state.js'

/**
 * One request's session, Django's `request.session` made async and safe under
 * concurrency. It is lazy: nothing touches the store until a method is awaited.
 * Reading marks it `accessed` (the response gets `Vary: Cookie`); writing marks it
 * `modified` (it is saved and its cookie re-sent). A session with no data and no user
 * is never stored.
 *
 * @example
 * ```ts
 * app.get('/cart', async (c) => {
 *   const cart = (await c.var.session.get<string[]>('cart')) ?? []
 *   await c.var.session.set('cart', [...cart, 'apple'])
 *   return c.json({ cart })
 * })
 * ```
 */
export class Session {
  /** @internal */
  readonly [STATE]: SessionState

  /** @internal Sessions are opened by `SessionManager.open()`. */
  constructor(state: SessionState) {
    this[STATE] = state
  }

  /**
   * Whether the request reached the app over HTTPS and the client's address, as the
   * adapter decided them once (with `trustProxy`: the proxy's `X-Forwarded-Proto` and the
   * last `X-Forwarded-For` entry). For throttles, audit lines and absolute URLs.
   */
  get client(): { readonly secure: boolean; readonly ip: string | undefined } {
    const { secure, ip } = this[STATE].request
    return { secure, ip: ip ?? undefined }
  }

  /** Whether this request read or wrote the session (the response then varies on Cookie). */
  get accessed(): boolean {
    return this[STATE].accessed
  }

  /** Whether this request changed the session (it will be saved). */
  get modified(): boolean {
    return this[STATE].modified
  }

  /**
   * Whether the session was loaded from a header token (`X-Session-Token`) rather than
   * the cookie — django-session-token's `loaded_from_session_token()`. Meaningful once the session
   * was read; use {@link authenticatedByToken} to load and ask in one step.
   */
  get loadedFromSessionToken(): boolean {
    return this[STATE].kind === 'token'
  }

  /**
   * Whether this request is authenticated by a valid header token. Answers `false`
   * without touching the store when the request carries no token header; a bogus
   * token answers `false` (the request is then the cookie request it is).
   */
  async authenticatedByToken(): Promise<boolean> {
    const state = this[STATE]
    if (state.loader.tokenOf(state.request) === undefined) return false
    await this.#read()
    return state.kind === 'token'
  }

  /**
   * The session's header token for cookieless clients (django-session-token's
   * `get_session_token()`), creating the session and the token when needed. A token is
   * a credential of its own: a different secret from the cookie's (leaking it in HTML
   * does not leak the cookie), stored only as a hash, dead when the session is flushed,
   * cycled or revoked. A request that came in with a token gets that token back; other
   * requests get a new one (a session keeps its 8 newest tokens alive). Send it in the
   * `X-Session-Token` header.
   *
   * @example
   * ```ts
   * app.get('/api/session-token/', async (c) => c.json({ sessionToken: await c.var.session.getSessionToken() }))
   * ```
   */
  async getSessionToken(): Promise<string> {
    const state = await this.#read()
    state.tokenShown = true
    if (state.issuedToken) return state.issuedToken.value
    if (state.kind === 'token' && state.credential && !state.rotated && state.base)
      return state.credential.value
    // A session not stored yet reserves its id now: the token must name it.
    if (!state.base) state.newId ??= state.loader.newSessionId()
    const id = state.base?.id ?? (state.newId as string)
    const token = state.loader.newCredential(id)
    state.issuedToken = token
    state.modified = true
    // The key orders tokens by issue time so the oldest can be dropped past the limit; a
    // random sequence number keeps apart the tokens of one millisecond (two tabs).
    const key = `token:${state.loader.clock()}:${randomSeq(state.loader.random)}`
    this.#apply({ t: 'token', key, hash: await state.loader.hashSecret(token.secret) })
    return token.value
  }

  /**
   * The value under `key`, or `undefined`. Returns a copy: mutate it and `set` it back.
   * Only the session's own keys count: `get('constructor')` or `get('__proto__')` is
   * `undefined` unless that key was set, and then it is the value set.
   */
  async get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined> {
    const data = dataIn(await this.#read())
    // The data has a null prototype already; hasOwn keeps it own-only even if that changes.
    const value = Object.hasOwn(data, key) ? data[key] : undefined
    // Objects are copied so a caller cannot change the session without set(); primitives need no copy.
    return (typeof value === 'object' && value !== null ? structuredClone(value) : value) as
      | T
      | undefined
  }

  /** Whether `key` was set (an own key; inherited names such as `toString` never count). */
  async has(key: string): Promise<boolean> {
    return Object.hasOwn(dataIn(await this.#read()), key)
  }

  /** The keys set, in order. Tessera's own state (CSRF secret, login time, JWT claims) is not among them. */
  async keys(): Promise<string[]> {
    return Object.keys(dataIn(await this.#read()))
  }

  /** A copy of all data, as an object with a null prototype (only the session's keys). */
  async data(): Promise<SessionData> {
    return ownRecord(structuredClone(dataIn(await this.#read())))
  }

  /**
   * Stores a JSON value under `key`. Throws `ArgumentError` for values JSON cannot carry, and
   * for the keys `_csrf`, `_auth_at` and `_jwt`, where earlier versions kept Tessera's
   * own state (records that still have them load with it moved out of the data).
   */
  async set(key: string, value: JsonValue): Promise<void> {
    assertKey(key)
    if (Object.hasOwn(LEGACY_KEYS, key)) throw new ArgumentError(`Session key "${key}" is reserved`)
    // A JSON round trip both validates and copies: functions, undefined, BigInt,
    // cycles and class instances fail here, at the call site, not at save time.
    let json: string | undefined
    try {
      json = JSON.stringify(value)
    } catch {
      json = undefined // BigInt, a cycle, a throwing toJSON
    }
    if (json === undefined) throw new ArgumentError(`Session value for "${key}" is not JSON`)
    await this.#write({ t: 'set', key, value: JSON.parse(json) as JsonValue })
  }

  async delete(key: string): Promise<void> {
    assertKey(key)
    if (!Object.hasOwn(dataIn(await this.#read()), key)) return
    await this.#write({ t: 'delete', key })
  }

  /**
   * Removes all data but keeps the session, its user, its credential and Tessera's own
   * state: the CSRF tokens the page holds and the login time stay valid.
   */
  async clear(): Promise<void> {
    await this.#write({ t: 'clear' })
  }

  /** Whether the session has neither data nor a user (such a session is never stored). */
  async isEmpty(): Promise<boolean> {
    return isEmptyDraft(draftIn(await this.#read()))
  }

  /** Id of the user logged in on this session, or `null`. */
  async getUserId(): Promise<string | null> {
    return userIn(await this.#read())?.userId ?? null
  }

  /** The session auth hash recorded at login, or `null`. */
  async getAuthHash(): Promise<string | null> {
    return userIn(await this.#read())?.authHash ?? null
  }

  /**
   * Records which user this session belongs to. Low level: log users in with the auth
   * helpers, which also rotate the credential and the CSRF token.
   */
  async setUser(userId: string | null, authHash: string | null = null): Promise<void> {
    await this.#write({ t: 'user', userId, authHash })
  }

  /**
   * Issues a new credential for the same data and kills every old one (cookie, header
   * token, transfer codes) — Django's `cycle_key()`. Call it on login and on every
   * privilege change, so a credential planted before login (fixation) is worthless.
   */
  async cycleKey(): Promise<void> {
    const state = await this.#read()
    state.modified = true
    if (!state.base) return // a new session gets a fresh credential when it is created anyway
    const credential = state.loader.newCredential(state.base.id)
    state.rotated = credential
    state.issuedToken = null
    this.#apply({ t: 'rotate', hash: await state.loader.hashSecret(credential.secret) })
  }

  /**
   * Ends the session: deletes it from the store, drops its data and user, and starts a
   * new empty one. The cookie is cleared (`Max-Age=0`) unless something is stored in the
   * new session before the response. Django's `flush()`; use it on logout.
   */
  async flush(): Promise<void> {
    const state = await this.#read()
    switchSession(state, null, null)
    // The anonymous CSRF secret goes too: a token from before the flush must not work after.
    state.cookieCsrf = null
  }

  /**
   * Changes how this session expires (Django's `set_expiry`):
   * a positive number is a per-session idle timeout in seconds; `0` makes the cookie
   * end with the browser; a `Date` ends the session at that instant at the latest;
   * `null` returns to the configured policy. The absolute timeout always still applies.
   */
  async setExpiry(value: number | Date | null): Promise<void> {
    if (value instanceof Date) {
      const at = value.getTime()
      if (!Number.isFinite(at)) throw new ArgumentError('setExpiry() needs a valid Date')
      return this.#write({ t: 'expireBy', at })
    }
    if (value === null)
      return this.#write({ t: 'expiry', idleTimeout: undefined, browserSession: undefined })
    if (!Number.isInteger(value) || value < 0) {
      throw new ArgumentError('setExpiry() needs a whole number of seconds ≥ 0, a Date or null')
    }
    if (value === 0)
      return this.#write({ t: 'expiry', idleTimeout: undefined, browserSession: true })
    return this.#write({ t: 'expiry', idleTimeout: value, browserSession: undefined })
  }

  #read(): Promise<SessionState> {
    return loadedState(this)
  }

  async #write(op: SessionOp): Promise<void> {
    const state = await this.#read()
    state.modified = true
    this.#apply(op)
  }

  #apply(op: SessionOp): void {
    recordOp(this[STATE], op)
  }
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0)
    throw new ArgumentError('Session keys are non-empty strings')
}

/** A random 48-bit integer: a token key's sequence number (digits, as stored keys hold). */
function randomSeq(random: RandomSource): number {
  let seq = 0
  for (const byte of random(6)) seq = seq * 256 + byte
  return seq
}
