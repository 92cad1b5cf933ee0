import { StoreError } from '../errors.js'
import type { Session } from '../session/session.js'
import { STATE } from '../session/session-state.js'
import { holdsLiveCredential, pruneTransfers, transferKey } from './lib/transfer-entries.js'

const MAX_ATTEMPTS = 16

/**
 * Mints a one-time transfer code for the request's session, redeemable once by
 * `destination` within `ttlMs`: a fresh `<session id>.<secret>` whose secret is stored
 * only as a SHA-256 hash in the record's `credentials` (`transfer:<expiry>:<tag>@<site>`),
 * never the session's own credential. Written with the store's compare-and-set, so a
 * concurrent save of the session neither loses the code nor is overwritten by it. Rotation
 * (`cycleKey`) and logout (`flush`) kill outstanding codes with every other credential.
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
  const state = session[STATE]
  if (await session.isEmpty()) return null
  const base = state.base
  const held = state.credentialHash
  if (!base || !held) return null // created by this very request: not stored yet
  const loader = state.loader
  const code = loader.newCredential(base.id)
  const hash = await loader.hashSecret(code.secret)
  const tag = loader.newSessionId().slice(0, 11)
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const now = loader.clock()
    const fresh = await loader.call('get', (store) => store.get(base.id))
    // Rotated or revoked since this request authenticated: it has nothing to hand on.
    if (!fresh || !holdsLiveCredential(fresh.credentials, held)) return null
    const credentials = pruneTransfers(fresh.credentials, now)
    credentials[transferKey(now + ttlMs, tag, destination)] = hash
    const result = await loader.call('update', (store) =>
      store.update({ ...fresh, credentials, version: fresh.version + 1 }, fresh.version),
    )
    if (result === 'ok') return code.value
    if (result === 'missing') return null
  }
  throw new StoreError('STORE_CONFLICT', 'update')
}
