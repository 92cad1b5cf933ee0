import type { CookieAttributes } from '../cookie/index.js'
import { parseCredential } from '../session/credential.js'
import { credentialKey } from '../session/credential-entry.js'
import type { Session } from '../session/session.js'
import { operationsOf } from '../session/session-operations.js'
import type { SessionRecord } from '../store/session-record.js'
import { findTransfer } from './lib/transfer-entries.js'

/** What {@link redeemTransferCode} did. */
export type RedeemOutcome =
  /** This site's cookie now points at the shared session (a new credential for it). */
  | 'replaced'
  /** This site keeps its own non-empty session (`alwaysReplace` off); the code is spent. */
  | 'kept'
  /** This site was on the shared session already; the code is spent. */
  | 'same'
  /** Unknown, expired, for another site, or redeemed already. */
  | 'used'
  /**
   * Refused with `keepOtherUser`: this site is logged in as another user than the shared
   * session's. This site's session is untouched and the code is not spent.
   */
  | 'otherUser'

/** Options of {@link redeemTransferCode}. */
export interface RedeemOptions {
  /** This site's origin: the code must have been minted for it. */
  destination: string
  /** The origin the code came from, for the `sessionReplaced` event. */
  source: string
  /** Replace this site's own non-empty session too. */
  alwaysReplace: boolean
  /**
   * Never switch the user logged in here: when this site's session has a user and the
   * shared session has another user (or none), refuse with `'otherUser'`, whatever
   * `alwaysReplace` says. The same user is not a switch: `alwaysReplace` decides as usual.
   * @default false
   */
  keepOtherUser?: boolean
  /** How the code arrived, for the event. */
  via: 'script' | 'redirect'
  /** Cookie attributes the new credential needs here (`SameSite=None; Secure` on the script path). */
  cookie: Partial<CookieAttributes>
}

/**
 * Redeems a transfer code into the request's session. The code is consumed in the
 * store by compare-and-set: of any number of concurrent redeemers, on any number of app
 * instances, exactly one finds the code and removes it; the others get `'used'`. The
 * same write gives this site a credential of its own for the shared session
 * (a `cookie` entry naming the site, hashed), so one logout or rotation ends it everywhere.
 * The response then sets the site's cookie (when the adapter commits the session) and a
 * `sessionReplaced` event fires. Never throws on a bad code; store failures are
 * `StoreError`s.
 *
 * @example
 * ```ts
 * const outcome = await redeemTransferCode(session, payload.code, {
 *   destination: 'https://www.example.org', source: payload.source,
 *   alwaysReplace: false, via: 'redirect', cookie: { sameSite: 'Lax' },
 * })
 * ```
 */
export async function redeemTransferCode(
  session: Session,
  code: string,
  options: RedeemOptions,
): Promise<RedeemOutcome> {
  const ops = operationsOf(session)
  const credential = parseCredential(code)
  if (!credential) return 'used'
  const empty = await session.isEmpty() // loads this site's own session, if any
  const own = await ops.storedId()
  const ownUser = await session.getUserId()
  const same = own === credential.id
  const keep = same || (!empty && !options.alwaysReplace)
  const cookie = keep ? null : await ops.newCredential(credential.id)
  const hash = await ops.hashSecret(credential.secret)

  const outcome = await ops.compareAndSet<SessionRecord | RedeemOutcome>(credential.id, (fresh) => {
    if (!fresh) return { stop: 'used' }
    const key = findTransfer(fresh.credentials, hash, options.destination, ops.now())
    if (key === undefined) return { stop: 'used' }
    // Checked on the live record, after the code proved genuine: a logged-in user here
    // is never silently swapped for someone else (login CSRF through a transfer).
    if (options.keepOtherUser && !same && ownUser !== null && fresh.userId !== ownUser)
      return { stop: 'otherUser' }
    const credentials = { ...fresh.credentials }
    delete credentials[key]
    // One cookie credential per site: a later transfer to this site replaces it.
    if (cookie)
      credentials[credentialKey({ kind: 'cookie', site: options.destination })] = cookie.hash
    return { write: { ...fresh, credentials }, done: (written) => written }
  })
  if (typeof outcome === 'string') return outcome
  if (!cookie) return same ? 'same' : 'kept'

  // This site's own session (empty, or replaced on purpose) ends; the request now
  // carries the shared one with its new credential, and commit sends the cookie.
  ops.adopt(outcome, cookie.credential, cookie.hash, options.cookie)
  ops.emit({
    type: 'sessionReplaced',
    session: outcome.id,
    at: ops.now(),
    source: options.source,
    destination: options.destination,
    via: options.via,
    replacedExisting: own !== null && !empty,
  })
  return 'replaced'
}
