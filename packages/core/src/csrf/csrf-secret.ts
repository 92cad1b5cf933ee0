import { writeInternals } from '../session/internal-fields.js'
import type { Session } from '../session/session.js'
import { operationsOf } from '../session/session-operations.js'
import type { LEGACY_KEYS } from '../store/upgrade-record.js'
import { isCsrfSecret } from './csrf-token.js'

/**
 * The reserved session key where earlier versions kept the CSRF secret inside the
 * session data. The secret is now a field of the session record (`csrfSecret`), which
 * `session.keys()` never shows and `session.clear()` keeps; records that still have
 * this key load with it moved there, and `session.set()` refuses the key.
 *
 * @example
 * ```ts
 * await session.has(CSRF_SESSION_KEY) // always false: the secret is not session data
 * ```
 */
export const CSRF_SESSION_KEY = '_csrf' satisfies keyof typeof LEGACY_KEYS

/**
 * The CSRF secret the request is bound to: the session's own when it has one, else —
 * only while the session is not stored — the one in this browser's signed cookie.
 * `undefined` when there is neither or the cookie does not verify. Never throws on the
 * cookie's content (it is untrusted); rejects only with the session's `StoreError`.
 * @internal
 */
export async function csrfSecretOf(session: Session): Promise<string | undefined> {
  const operations = operationsOf(session)
  const secret = await operations.csrfSecretField()
  if (isCsrfSecret(secret)) return secret
  return operations.csrfCookieSecret()
}

/**
 * Whether the session itself holds a CSRF secret (rather than the signed cookie).
 * @internal
 */
export async function secretInSession(session: Session): Promise<boolean> {
  return isCsrfSecret(await operationsOf(session).csrfSecretField())
}

/**
 * Keeps `secret` as the session's CSRF secret (saved at commit).
 * @internal
 */
export function keepInSession(session: Session, secret: string): Promise<void> {
  return writeInternals(session, { csrfSecret: secret })
}

/**
 * Whether the secret belongs in the session: it is stored already, or has something
 * worth storing (data, a user, a header token). Else it belongs in the signed cookie.
 * @internal
 */
export async function secretBelongsInSession(session: Session): Promise<boolean> {
  const empty = await session.isEmpty()
  return !empty || (await operationsOf(session).storedId()) !== null
}

/**
 * Keeps `secret` in the signed cookie for this response (the session stays unstored).
 * If the session becomes worth storing before the response, the manager moves the
 * secret into it instead.
 * @internal
 */
export function holdInCookie(session: Session, secret: string): void {
  operationsOf(session).holdCsrfInCookie(secret)
}
