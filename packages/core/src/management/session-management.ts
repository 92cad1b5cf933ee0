import { authenticatedAt, recordAuthTime } from '../auth/auth-time.js'
import { authenticate } from '../auth/authenticate.js'
import { getSessionUser } from '../auth/get-session-user.js'
import { login } from '../auth/login.js'
import { logout } from '../auth/logout.js'
import type { PasswordHasher } from '../auth/password-hasher.js'
import { sessionAuthHash } from '../auth/session-auth-hash.js'
import type { AuthUser, UserProvider } from '../auth/user-provider.js'
import { ConfigError } from '../errors.js'
import type { Keyring } from '../keys/keyring.js'
import { constantTimeEqual } from '../lib/constant-time-equal.js'
import type { Session } from '../session/session.js'
import { keysOf } from '../session/session-state.js'
import { callStore, outageLogOption, type StoreCallPolicy } from '../store/call-store.js'
import { checkRecords } from '../store/check-record.js'
import type { SessionRecord } from '../store/session-record.js'
import type { Clock, SessionStore } from '../store/session-store.js'
import type { StoreOutageLog } from '../store/store-outage-log.js'
import type { AuditInput, AuditTrail } from './audit-trail.js'
import { CoalescedRuns } from './lib/coalesced-runs.js'
import { describeSession, liveSessions } from './lib/describe-session.js'
import { type EvictionPolicy, pickEvictions } from './lib/pick-evictions.js'
import { afterStore, currentSessionId, sessionClock } from './lib/session-internals.js'
import type { ListedSession } from './listed-session.js'
import { publicSessionId } from './public-session-id.js'

/** Options of {@link SessionManagement}. */
export interface SessionManagementOptions<U extends AuthUser> {
  /** The session manager's store (the same instance): sessions are listed and deleted there. */
  store: SessionStore
  users: UserProvider<U>
  hasher: PasswordHasher
  /**
   * Most sessions one user may have. A login that exceeds it ends the user's oldest
   * sessions (see `evict`), exactly, even under concurrent logins. `undefined`: no cap.
   * @default undefined
   */
  maxSessionsPerUser?: number
  /**
   * Which sessions go when the cap is reached. `oldest-created` ends the sessions logged
   * in longest ago (by login or password re-entry time, else creation): a stolen session
   * kept busy by an attacker still goes, which `least-recently-seen` (the idlest first)
   * would never do.
   * @default 'oldest-created'
   */
  evict?: EvictionPolicy
  /** Seconds a login or password re-entry counts as recent for {@link SessionManagement.isFresh}. @default 600 */
  freshAge?: number
  /** Where login, logout, loginFailed, revoke and passwordChanged events go. */
  audit?: AuditTrail
  /** Milliseconds a store call may take before it fails with `StoreError` (503). @default 1000 */
  storeTimeout?: number
  /** Where store outages are logged (one summary per interval, as the manager's). @default undefined */
  storeOutageLog?: StoreOutageLog
  /** Clock for events not tied to a request's session ({@link SessionManagement.endUserSessions}). @default Date.now */
  clock?: Clock
}

/** Outcome of {@link SessionManagement.changePassword}. */
export type PasswordChangeResult =
  | { ok: true /** Other sessions of the user that were ended. */; ended: number }
  | { ok: false; reason: 'unauthenticated' | 'invalidPassword' }

/** Shape of a public session id: 22 base64url characters. */
const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/

/**
 * "Your sessions" and the account actions around them: login with a per-user session
 * cap, listing a user's sessions with readable device metadata, revoking one, the
 * others or all, a freshness window for sensitive actions (a recent login or password
 * re-entry), a password change that ends every other session, and ending all sessions
 * of a disabled user — each recorded in an {@link AuditTrail} when one is given.
 *
 * Every method acting for a user takes the request's session and acts only on that
 * session's user: a public id of another user's session is simply not found.
 *
 * @example
 * ```ts
 * const management = new SessionManagement({ store, users, hasher, maxSessionsPerUser: 10, audit })
 * const user = await management.authenticate(username, password, ip)
 * if (user) await management.login(c.var.session, user, ip)
 * const rows = await management.list(c.var.session)
 * if (await management.isFresh(c.var.session)) await management.revokeOthers(c.var.session)
 * ```
 */
export class SessionManagement<U extends AuthUser = AuthUser> {
  readonly #store: SessionStore
  readonly #users: UserProvider<U>
  readonly #hasher: PasswordHasher
  readonly #cap: number | null
  readonly #policy: EvictionPolicy
  readonly #freshMs: number
  readonly #audit: AuditTrail | null
  readonly #calls: StoreCallPolicy
  readonly #clock: Clock
  readonly #capRuns = new CoalescedRuns()

  constructor(options: SessionManagementOptions<U>) {
    if (!options?.store || !options.users || !options.hasher) {
      throw new ConfigError('SessionManagement needs a store, users and a hasher')
    }
    this.#store = options.store
    this.#users = options.users
    this.#hasher = options.hasher
    this.#cap =
      options.maxSessionsPerUser === undefined
        ? null
        : positiveInt('maxSessionsPerUser', options.maxSessionsPerUser)
    const evict = options.evict ?? 'oldest-created'
    if (evict !== 'oldest-created' && evict !== 'least-recently-seen') {
      throw new ConfigError(`evict must be 'oldest-created' or 'least-recently-seen'`)
    }
    this.#policy = evict
    this.#freshMs = positiveInt('freshAge', options.freshAge ?? 600) * 1000
    this.#audit = options.audit ?? null
    this.#calls = {
      timeout: positiveInt('storeTimeout', options.storeTimeout ?? 1000),
      outages: outageLogOption(options.storeOutageLog),
    }
    this.#clock = options.clock ?? Date.now
  }

  /** Seconds a login counts as recent. */
  get freshAge(): number {
    return this.#freshMs / 1000
  }

  /**
   * `authenticate()` that records a `loginFailed` event (hashed username and client)
   * when it answers `null`.
   */
  async authenticate(username: string, password: string, client?: string): Promise<U | null> {
    const user = await authenticate(
      { users: this.#users, hasher: this.#hasher },
      username,
      password,
    )
    if (!user) {
      this.#record({
        type: 'loginFailed',
        at: this.#clock(),
        username,
        client,
        reason: 'invalidCredentials',
      })
    }
    return user
  }

  /**
   * `login()` (rotation, session auth hash, CSRF rotation, login time), then the cap,
   * once the commit has stored the session: sessions of the user that died with an old
   * password are deleted, and if the user has more than `maxSessionsPerUser` live
   * sessions, all but the newest are ended. Records `login` (and, at commit, `revoke`
   * with reason `cap`).
   *
   * The cap is exact after any burst of concurrent logins, on any number of instances:
   * each login lists the user's sessions only after its own session is stored, and
   * every login keeps the same newest sessions (one total order: login time, then id).
   * The login that lists last therefore sees every session of the burst and leaves
   * `maxSessionsPerUser`; the others only delete. In a burst, a login that is not among
   * the newest ends its own session too: its cookie then leads nowhere. Within one
   * instance, the logins of a user stored while a pass waits to start share that pass
   * (each is still followed by a whole pass that began after it was stored).
   */
  async login(session: Session, user: U, client?: string): Promise<void> {
    await login(session, user)
    const id = await currentSessionId(session)
    const at = sessionClock(session)
    this.#record({ type: 'login', at, sessionId: id, userId: user.id, client })
    const cap = this.#cap
    if (cap === null) return
    const keys = keysOf(session)
    // Every login of this user that is stored while a pass waits to start shares that
    // pass: a burst costs this instance two listings at a time, not one per login.
    afterStore(session, (stored) =>
      this.#capRuns.run(user.id, () => this.#enforceCap(keys, user, cap, stored, at)),
    )
  }

  /** Deletes the user's stale sessions and all but the newest `cap` live ones. */
  async #enforceCap(keys: Keyring, user: U, cap: number, by: string, at: number): Promise<void> {
    // The password hash as it is now: the logins sharing this pass may have read the user
    // at different times, and a session of the current hash must never count as stale.
    const current = (await this.#users.findById(user.id)) ?? user
    const records = await this.#listByUser(user.id)
    const live = await liveSessions(keys, current, records)
    // Sessions of an older password are dead already (getSessionUser would end them):
    // clear them out rather than count them against the cap.
    const stale = records.filter((r) => !live.includes(r))
    const evicted = pickEvictions(live, cap, this.#policy)
    // One at a time: other instances may be deleting the same sessions, and all at once
    // would queue a burst's worth of calls on the store's connections.
    for (const r of [...stale, ...evicted]) await this.#delete(r.id)
    if (evicted.length > 0) {
      this.#record({
        type: 'revoke',
        at,
        sessionId: by,
        userId: user.id,
        reason: 'cap',
        count: evicted.length,
      })
    }
  }

  /** `logout()`, recording a `logout` event when the session had a user. */
  async logout(session: Session, client?: string): Promise<void> {
    const userId = await session.getUserId()
    const id = await currentSessionId(session)
    await logout(session)
    if (userId !== null) {
      this.#record({ type: 'logout', at: sessionClock(session), sessionId: id, userId, client })
    }
  }

  /**
   * The live sessions of the session's user (empty when nobody is logged in): the
   * current one first, then by last activity, newest first. Sessions left over from
   * before a password change are not listed (they can no longer be used).
   */
  async list(session: Session): Promise<ListedSession[]> {
    const user = await getSessionUser(session, this.#users)
    if (!user) return []
    const id = await currentSessionId(session)
    const keys = keysOf(session)
    const live = await liveSessions(keys, user, await this.#listByUser(user.id))
    const rows = await Promise.all(live.map((r) => describeSession(keys, r, r.id === id)))
    return rows.sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt)
  }

  /**
   * Ends one session of the session's own user, named by its public id. Revoking the
   * current session logs it out (`flush()`, the cookie is cleared): the answer says
   * `current: true`. Answers `null` when no session of this user has that id (malformed
   * ids, other users' sessions).
   */
  async revoke(session: Session, publicId: string): Promise<{ current: boolean } | null> {
    if (typeof publicId !== 'string' || !PUBLIC_ID.test(publicId)) return null
    const user = await getSessionUser(session, this.#users)
    if (!user) return null
    const id = await currentSessionId(session)
    const keys = keysOf(session)
    let target: SessionRecord | undefined
    for (const r of await this.#listByUser(user.id)) {
      // Not secret, but compared in constant time all the same: it is cheap.
      if (constantTimeEqual(await publicSessionId(keys, r.id), publicId)) target = r
    }
    if (!target) return null
    const current = target.id === id
    if (current) await logout(session)
    else await this.#delete(target.id)
    const at = sessionClock(session)
    this.#record({
      type: 'revoke',
      at,
      sessionId: target.id,
      userId: user.id,
      reason: 'one',
      count: 1,
    })
    return { current }
  }

  /**
   * Ends every session of the user except this one ("sign out other sessions"); returns
   * how many ended. A sensitive action: check {@link isFresh} first.
   */
  async revokeOthers(session: Session): Promise<number> {
    const user = await getSessionUser(session, this.#users)
    if (!user) return 0
    const id = await currentSessionId(session)
    const count = await this.#deleteByUser(user.id, id)
    this.#record({
      type: 'revoke',
      at: sessionClock(session),
      sessionId: id,
      userId: user.id,
      reason: 'others',
      count,
    })
    return count
  }

  /** Ends every session of the user, this one included (it is flushed); returns how many ended. */
  async revokeAll(session: Session): Promise<number> {
    const user = await getSessionUser(session, this.#users)
    if (!user) return 0
    const id = await currentSessionId(session)
    const count = await this.#deleteByUser(user.id)
    await logout(session)
    this.#record({
      type: 'revoke',
      at: sessionClock(session),
      sessionId: id,
      userId: user.id,
      reason: 'all',
      count,
    })
    return count
  }

  /**
   * Ends every session of a user at once, e.g. right after disabling them (without this,
   * `getSessionUser` ends each one at its next request). Returns how many ended.
   */
  async endUserSessions(userId: string, reason = 'userDisabled'): Promise<number> {
    const count = await this.#deleteByUser(userId)
    this.#record({ type: 'revoke', at: this.#clock(), userId, reason, count })
    return count
  }

  /**
   * Whether the session's user logged in or re-entered their password less than
   * `freshAge` seconds ago, by the manager's clock. Sessions logged in before login times
   * were recorded are not fresh.
   */
  async isFresh(session: Session): Promise<boolean> {
    const at = await authenticatedAt(session)
    return at !== null && sessionClock(session) - at < this.#freshMs
  }

  /**
   * Password re-entry for a sensitive action: when `password` is the session user's,
   * the session becomes fresh again and gets a new credential (re-authentication is a
   * privilege change). Answers `false` otherwise, recording `loginFailed`.
   */
  async reauthenticate(session: Session, password: string, client?: string): Promise<boolean> {
    const checked = await this.#checkPassword(session, password, client, 'reauthentication')
    if (typeof checked === 'string') return false
    const { user, id, at } = checked
    await session.cycleKey()
    await recordAuthTime(session)
    this.#record({ type: 'reauthenticated', at, sessionId: id, userId: user.id, client })
    return true
  }

  /**
   * Changes the session user's password after checking the old one: stores the new hash
   * (`users.replacePasswordHash`, over the hash the old password was checked against:
   * of two changes at once, the second answers `invalidPassword`), keeps this session
   * (new credential, new session auth hash, fresh again) and ends every other session of
   * the user — deleted through the user index now, and dead through the session auth
   * hash anyway. Validating the new password (length, breach lists) is the app's job,
   * before calling this.
   */
  async changePassword(
    session: Session,
    oldPassword: string,
    newPassword: string,
    client?: string,
  ): Promise<PasswordChangeResult> {
    const checked = await this.#checkPassword(session, oldPassword, client, 'passwordChange')
    if (typeof checked === 'string') return { ok: false, reason: checked }
    const { user, id, at } = checked
    const passwordHash = await this.#hasher.hash(newPassword)
    // The new hash goes first: from here on every other session fails the auth-hash
    // check, so one created while the others are deleted dies at its next request anyway.
    // Only over the hash the old password was checked against: of two changes at once
    // (the owner's and a thief's with the leaked password), the second is refused.
    if (!(await this.#users.replacePasswordHash(user.id, user.passwordHash, passwordHash))) {
      return { ok: false, reason: 'invalidPassword' }
    }
    await session.cycleKey()
    await session.setUser(user.id, await sessionAuthHash(keysOf(session), passwordHash))
    await recordAuthTime(session)
    const ended = await this.#deleteByUser(user.id, id)
    this.#record({
      type: 'passwordChanged',
      at,
      sessionId: id,
      userId: user.id,
      client,
      count: ended,
    })
    return { ok: true, ended }
  }

  /** The session's user when `password` is theirs; a failure is recorded as `loginFailed`. */
  async #checkPassword(
    session: Session,
    password: string,
    client: string | undefined,
    reason: string,
  ): Promise<{ user: U; id: string | null; at: number } | 'unauthenticated' | 'invalidPassword'> {
    const user = await getSessionUser(session, this.#users)
    if (!user) return 'unauthenticated'
    const at = sessionClock(session)
    const id = await currentSessionId(session)
    // The hash checked, kept: a provider may hand out an object it updates.
    const checked = { ...user }
    if ((await this.#hasher.verify(password, checked.passwordHash)).valid) {
      return { user: checked, id, at }
    }
    this.#record({ type: 'loginFailed', at, sessionId: id, userId: user.id, client, reason })
    return 'invalidPassword'
  }

  #record(input: AuditInput): void {
    this.#audit?.record(input)
  }

  #listByUser(userId: string): Promise<SessionRecord[]> {
    return callStore(this.#calls, 'listByUser', async () =>
      checkRecords(await this.#store.listByUser(userId)),
    )
  }

  #delete(id: string): Promise<void> {
    return callStore(this.#calls, 'delete', () => this.#store.delete(id))
  }

  #deleteByUser(userId: string, exceptId?: string | null): Promise<number> {
    return callStore(this.#calls, 'deleteByUser', () =>
      exceptId ? this.#store.deleteByUser(userId, exceptId) : this.#store.deleteByUser(userId),
    )
  }
}

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive whole number, got ${String(value)}`)
  }
  return value
}
