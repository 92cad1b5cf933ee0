import { credentialKey } from '../session/credential-entry.js'
import type { Session } from '../session/session.js'
import { operationsOf } from '../session/session-operations.js'
import { holdsLiveCredential, pruneTransfers } from './lib/transfer-entries.js'

/**
 * Mints a one-time transfer code for the request's session, redeemable once by
 * `destination` within `ttlMs`: a fresh `<session id>.<secret>` whose secret is stored
 * only as a SHA-256 hash in the record's `credentials` (a `transfer` entry naming the
 * site and the expiry), never the session's own credential. Written with the manager's
 * compare-and-set, so a concurrent save of the session neither loses the code nor is
 * overwritten by it. Rotation (`cycleKey`) and logout (`flush`) kill outstanding codes
 * with every other credential. The response is then sent `Cache-Control: no-store`, as
 * one that shows a header token is: the code is a bearer credential until redeemed.
 *
 * Returns `null` when there is nothing to share: no stored session, or an empty one.
 *
 * @example
 * ```ts
 * const code = await issueTransferCode(session, 'https://www.example.org', 30_000)
 * ```
 */
export async function issueTransferCode(
  session: Session,
  destination: string,
  ttlMs: number,
): Promise<string | null> {
  if (await session.isEmpty()) return null
  const ops = operationsOf(session)
  const held = await ops.heldCredential()
  if (!held) return null // created by this very request: not stored yet
  const { credential: code, hash } = await ops.newCredential(held.id)
  const tag = ops.newTag()
  return ops.compareAndSet<string | null>(held.id, (fresh) => {
    // Rotated or revoked since this request authenticated: it has nothing to hand on.
    if (!fresh || !holdsLiveCredential(fresh.credentials, held.hash)) return { stop: null }
    const now = ops.now()
    const credentials = pruneTransfers(fresh.credentials, now)
    credentials[credentialKey({ kind: 'transfer', expiresAt: now + ttlMs, tag, destination })] =
      hash
    return {
      write: { ...fresh, credentials },
      done: () => {
        // The page or redirect that carries the code must not be cached.
        ops.showsCredential()
        return code.value
      },
    }
  })
}
