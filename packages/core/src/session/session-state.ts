import type { CookieAttributes } from '../cookie/index.js'
import type { SessionJwtCodec } from '../jwt/session-jwt-codec.js'
import type { Keyring } from '../keys/keyring.js'
import type { TurnQueue } from '../lib/turn-queue.js'
import type { SessionData, SessionMeta, SessionRecord } from '../store/session-record.js'
import type { CasContext } from './compare-and-set.js'
import type { Credential } from './credential.js'
import type { ResolvedSessionOptions } from './resolve-session-options.js'
import {
  applyOp,
  draftOf,
  isEmptyDraft,
  type SessionDraft,
  type SessionInternals,
  type SessionOp,
} from './session-draft.js'
import type { SessionEvent } from './session-events.js'

/** What the request brought and what the adapter knows about it. */
export interface SessionRequest {
  /** The raw `Cookie` header, untrusted. */
  cookie: string | null | undefined
  /**
   * Reads another request header (untrusted), for the header token (`X-Session-Token`,
   * or `Authorization: Bearer` when enabled). Adapters pass the request's headers here,
   * never its URL: credentials in query strings are not accepted.
   */
  header?: ((name: string) => string | null | undefined) | undefined
  /** Whether the request reached the app over HTTPS (as far as the adapter trusts). */
  secure: boolean
  /**
   * The `User-Agent`, recorded on a session this request creates. Left out, it is read
   * through `header` only when a session is created (most requests create none).
   */
  userAgent?: string | null | undefined
  ip?: string | null | undefined
}

/**
 * The engine a session loads and saves through; built once by the manager. Its
 * compare-and-set context (`call`, `retries`, `random`) is the manager's.
 */
export interface SessionLoader extends CasContext {
  /** The manager's options, resolved. */
  options: ResolvedSessionOptions
  /** The manager's signing keys, for helpers that derive values from a session. */
  keys: Keyring
  /** Name of the signed cookie that holds the CSRF secret of a session not stored. */
  csrfCookieName: string
  /**
   * Loads the request's session into `state`: `undefined` when it finished
   * synchronously, else a promise of `state` once loaded.
   */
  load(state: SessionState): Promise<SessionState> | undefined
  /**
   * The store's synchronous read under the store-call policy, where it has one
   * (`getNow`); `undefined` from it means "read through `read`" (see `companionRead`).
   */
  getNow: ((id: string) => SessionRecord | null | undefined) | undefined
  /**
   * Where loads wait for the end of their turn: with `batchLoads`, for a store read
   * through `getNow`; else `null`.
   */
  turn: TurnQueue | null
  /**
   * Reads a session under the store-call policy, for reading only: through the store's
   * `getShared` where it has one (the record may be shared and frozen), else its `get`.
   */
  read(id: string): Promise<SessionRecord | null>
  hashSecret(secret: string): Promise<string>
  /** The same hash, synchronously, where the runtime can (Node); else `undefined`. */
  hashSecretNow: ((secret: string) => string) | undefined
  newCredential(id: string): Credential
  /** A new session's id and its credential, from one draw of randomness. */
  newSessionCredential(): Credential
  newSessionId(): string
  /** The header token the request carried, if any (not yet verified). */
  tokenOf(request: SessionRequest): string | undefined
  clock(): number
  /** Emits an event; its `session` id is salted-hashed first, as the manager's own are. */
  emit(event: SessionEvent): void
  /** The JWT codec in the `jwt` format, else `null`. */
  jwt: SessionJwtCodec | null
}

/**
 * Per-request state behind a {@link Session}. Internal: reachable only through the
 * `STATE` symbol, which the package does not export.
 */
export interface SessionState {
  request: SessionRequest
  loader: SessionLoader
  loading: Promise<SessionState> | null
  /** `loading` has settled: `base` and `credential` are final. */
  loaded: boolean
  /** The record as loaded (null: no live session, a new one will be created if needed). */
  base: SessionRecord | null
  /** The request's credential, once verified against `base`. */
  credential: Credential | null
  /** Hash of the verified credential's secret, re-checked on every conflict retry. */
  credentialHash: string | null
  /**
   * The request's changes over `base`: `null` until something needs it (see
   * {@link draftIn}). A request that only reads builds none and reads `base` itself.
   */
  draft: SessionDraft | null
  ops: SessionOp[]
  accessed: boolean
  modified: boolean
  /** Id of a session flushed by this request, deleted at commit. */
  destroyedId: string | null
  /** Credential issued by `cycleKey()` in this request. */
  rotated: Credential | null
  /** Which credential authenticated the loaded session. */
  kind: 'cookie' | 'token' | null
  /** Header token issued by `getSessionToken()` in this request. */
  issuedToken: Credential | null
  /** The response body may carry a header token: it must not be cached. */
  tokenShown: boolean
  /** Id reserved for a new session that handed out a token before it was stored. */
  newId: string | null
  /** Metadata recorded on sessions this request creates: `null` until one is (see `metaIn`). */
  meta: SessionMeta | null
  /** Cookie attributes this response needs instead of the configured ones (django-shared-session's script path). */
  cookieOverride: Partial<CookieAttributes> | null
  /** The request's session JWT should be re-issued (expired, ageing or signed by an old key). */
  jwtReissue: boolean
  /**
   * CSRF secret of a session that is not stored, kept in a signed cookie (Django's
   * default) instead of a store row: read from the request's cookie (`send: false`) or
   * new in this request (`send: true`). Moved into the data if the session is created.
   */
  cookieCsrf: { secret: string; send: boolean } | null
  /**
   * Work the commit runs once this request's session is in the store (created or
   * updated), with its id: the per-user cap, which must see the session it caps.
   */
  afterStore: Array<(id: string) => Promise<void>>
  /** Request-scoped values of features built on the session (see `requestSlot`); `null` until one is set. */
  slots: Map<symbol, unknown> | null
}

export const STATE: unique symbol = Symbol('tessera.session.state')

/** The keyring of the manager that opened `session` (internal to the core). */
export function keysOf(session: { readonly [STATE]: SessionState }): Keyring {
  return session[STATE].loader.keys
}

/** Loads the request's session once, marking it read (`Vary: Cookie`), and returns its state. */
export function loadedState(session: { readonly [STATE]: SessionState }): Promise<SessionState> {
  return loadState(session[STATE])
}

/** Loads the session behind `state` once, marking it read (`Vary: Cookie`). */
export function loadState(state: SessionState): Promise<SessionState> {
  state.accessed = true
  // Not an async function: every later read returns the same promise, without a hop.
  if (state.loading === null) {
    const turn = state.loader.turn
    state.loading = turn !== null ? loadAtTurnEnd(state, turn) : loadNow(state)
  }
  return state.loading
}

function loadNow(state: SessionState): Promise<SessionState> {
  let loading: Promise<SessionState> | undefined
  try {
    loading = state.loader.load(state)
  } catch (error) {
    // A synchronous store read that failed: the caller sees a rejection, as for `get`.
    return Promise.reject(error)
  }
  // Loaded synchronously (an embedded store, a cached JWT): already settled. Else the
  // load's own promise, which settles with `state`: no hop of its own.
  return loading ?? Promise.resolve(state)
}

/** {@link loadNow} with the other loads of this event-loop turn, at its end (`batchLoads`). */
function loadAtTurnEnd(state: SessionState, turn: TurnQueue): Promise<SessionState> {
  return new Promise((resolve, reject) => {
    turn.push(() => {
      let loading: Promise<SessionState> | undefined
      try {
        loading = state.loader.load(state)
      } catch (error) {
        reject(error)
        return
      }
      if (loading === undefined) resolve(state)
      else loading.then(resolve, reject)
    })
  })
}

/**
 * The request's draft, built on first need: over `base` when a session was loaded, else
 * empty with the request's `meta`. Built lazily because most requests only read, and a
 * draft copies the record's data, metadata and internal fields.
 */
export function draftIn(state: SessionState): SessionDraft {
  state.draft ??= state.base ? draftOf(state.base) : draftOf(null, metaIn(state))
  return state.draft
}

const MAX_USER_AGENT = 512
const MAX_IP = 64

/** The metadata a session created by this request records (user agent, address), built once. */
function metaIn(state: SessionState): SessionMeta {
  if (state.meta === null) {
    const { request } = state
    const meta: SessionMeta = {}
    const userAgent = request.userAgent ?? request.header?.('user-agent')
    if (userAgent) meta.userAgent = userAgent.slice(0, MAX_USER_AGENT)
    if (request.ip) meta.ip = request.ip.slice(0, MAX_IP)
    state.meta = meta
  }
  return state.meta
}

const NO_DATA: Readonly<SessionData> = Object.freeze(Object.create(null) as SessionData)

/**
 * The session's data as it stands, for reading only: the draft's once there is one, else
 * the loaded record's (`base`, which nothing changes in place), else none. Read it with
 * `Object.hasOwn` and `Object.keys`: a record's data may be an ordinary object, where
 * only own keys are the session's.
 */
export function dataIn(state: SessionState): Readonly<SessionData> {
  return state.draft ? state.draft.data : state.base ? state.base.data : NO_DATA
}

/** Tessera's own fields (CSRF secret, login time, JWT claims) as they stand (see {@link dataIn}). */
export function internalIn(state: SessionState): Readonly<SessionInternals> {
  return state.draft ? state.draft.internal : (state.base ?? NO_INTERNALS)
}

const NO_INTERNALS: Readonly<SessionInternals> = Object.freeze({})

/**
 * Whether a session that is not stored (`base` is `null`) would store nothing. With no
 * draft, nothing was changed: every change builds one.
 */
export function isEmptyUnstored(state: SessionState): boolean {
  return state.draft === null || isEmptyDraft(state.draft)
}

/** The user id and auth hash as they stand (see {@link dataIn}). */
export function userIn(
  state: SessionState,
): { userId: string | null; authHash: string | null } | null {
  return state.draft ?? state.base
}

/** Applies `op` to the draft and keeps it, so a save that loses a race re-applies it. */
export function recordOp(state: SessionState, op: SessionOp): void {
  state.ops.push(op)
  applyOp(draftIn(state), op)
}

/**
 * Points the request at another session: `record` with the request's verified
 * `credential`, or (`null`) a new empty one. The session it held is deleted at commit;
 * this request's changes and the credentials it issued are dropped. Used by `flush()`
 * and by the adoption of a shared session.
 */
export function switchSession(
  state: SessionState,
  record: SessionRecord | null,
  credential: { credential: Credential; hash: string } | null,
): void {
  if (state.base) state.destroyedId = state.base.id
  state.base = record
  state.credential = credential?.credential ?? null
  state.credentialHash = credential?.hash ?? null
  state.rotated = null
  state.issuedToken = null
  state.newId = null
  state.ops = []
  // Rebuilt from the new `base` on first need (see draftIn), as after a load.
  state.draft = null
  state.modified = true
}
