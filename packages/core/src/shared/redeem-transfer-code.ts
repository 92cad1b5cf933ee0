import type { CookieAttributes } from '../cookie/index.js'
import { StoreError } from '../errors.js'
import { parseCredential } from '../session/credential.js'
import type { Session } from '../session/session.js'
import { draftOf } from '../session/session-draft.js'
import { STATE } from '../session/session-state.js'
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

const MAX_ATTEMPTS = 16

/**
 * Redeems a transfer code into the request's session. The code is consumed in the
 * store by compare-and-set: of any number of concurrent redeemers, on any number of app
 * instances, exactly one finds the code and removes it; the others get `'used'`. The
 * same write gives this site a credential of its own for the shared session
 * (`credentials["cookie@<site>"]`, hashed), so one logout or rotation ends it everywhere.
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
  const state = session[STATE]
  const loader = state.loader
  const credential = parseCredential(code)
  if (!credential) return 'used'
  const empty = await session.isEmpty() // loads this site's own session, if any
  const own = state.base
  const ownUser = await session.getUserId()
  const same = own?.id === credential.id
  const keep = same || (!empty && !options.alwaysReplace)
  const cookie = keep ? null : loader.newCredential(credential.id)
  const cookieHash = cookie ? await loader.hashSecret(cookie.secret) : null
  const hash = await loader.hashSecret(credential.secret)

  let record: SessionRecord | undefined
  for (let attempt = 0; attempt < MAX_ATTEMPTS && !record; attempt++) {
    const now = loader.clock()
    const fresh = await loader.call('get', (store) => store.get(credential.id))
    if (!fresh) return 'used'
    const key = findTransfer(fresh.credentials, hash, options.destination, now)
    if (key === undefined) return 'used'
    // Checked on the live record, after the code proved genuine: a logged-in user here
    // is never silently swapped for someone else (login CSRF through a transfer).
    if (options.keepOtherUser && !same && ownUser !== null && fresh.userId !== ownUser)
      return 'otherUser'
    const credentials = { ...fresh.credentials }
    delete credentials[key]
    // One cookie credential per site: a later transfer to this site replaces it.
    if (cookieHash) credentials[`cookie@${options.destination}`] = cookieHash
    const next: SessionRecord = { ...fresh, credentials, version: fresh.version + 1 }
    const result = await loader.call('update', (store) => store.update(next, fresh.version))
    if (result === 'missing') return 'used'
    if (result === 'ok') record = next
  }
  if (!record) throw new StoreError('STORE_CONFLICT', 'update')
  if (!cookie || !cookieHash) return same ? 'same' : 'kept'

  // This site's own session (empty, or replaced on purpose) ends; the request now
  // carries the shared one with its new credential, and commit sends the cookie.
  if (own) state.destroyedId = own.id
  state.base = record
  state.credential = cookie
  state.credentialHash = cookieHash
  state.kind = 'cookie'
  state.draft = draftOf(record)
  state.ops = []
  state.rotated = null
  state.issuedToken = null
  state.newId = null
  state.accessed = true
  state.modified = true
  state.cookieOverride = options.cookie
  const at = loader.clock()
  loader.emit({
    type: 'sessionReplaced',
    session: record.id,
    at,
    source: options.source,
    destination: options.destination,
    via: options.via,
    replacedExisting: own !== null && !empty,
  })
  return 'replaced'
}
