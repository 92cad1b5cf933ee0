import { getCookie } from '../cookie/index.js'
import type { VerifiedSessionJwt } from '../jwt/session-jwt-codec.js'
import { expiresAt, type SessionRecord } from '../store/session-record.js'
import { upgradeRecord } from '../store/upgrade-record.js'
import { parseCredential } from './credential.js'
import { findCredential } from './credential-entry.js'
import { draftOf } from './session-draft.js'
import type { SessionState } from './session-state.js'

/**
 * Loads the request's session from its credential: a valid header token wins over the
 * cookie; a bogus one is ignored, so the request is treated as the cookie request it is
 * (and stays subject to CSRF checks). A malformed, unknown, mismatched or expired
 * credential leaves the state without a record (a new session) and emits an event.
 */
export async function loadSession(state: SessionState): Promise<void> {
  const loader = state.loader
  const token = loader.tokenOf(state.request)
  // `loaded` is set here, not by a wrapper: one promise hop less on every request.
  if (token !== undefined && (await loadWith(state, token, 'token'))) {
    state.loaded = true
    return
  }
  let raw = getCookie(state.request.cookie, loader.options.cookieName)
  if (raw !== undefined && loader.jwt) {
    const now = loader.clock()
    // A token the codec has verified before answers synchronously: no await then.
    const read = loader.jwt.read(raw, now, loader.options.jwt?.acceptExpired ?? 0)
    raw = openedJwt(state, read instanceof Promise ? await read : read, now)
  }
  if (raw !== undefined) await loadWith(state, raw, 'cookie')
  state.loaded = true
}

/** The credential inside a verified session JWT cookie (django-session-jwt), or `undefined` when it did not verify. */
function openedJwt(
  state: SessionState,
  verified: VerifiedSessionJwt | null,
  now: number,
): string | undefined {
  const loader = state.loader
  if (!verified) {
    loader.emit({ type: 'invalidCredential', at: now, reason: 'malformed' })
    return undefined
  }
  state.jwtReissue = verified.reissue
  return verified.credential
}

async function loadWith(
  state: SessionState,
  raw: string,
  kind: 'cookie' | 'token',
): Promise<boolean> {
  const loader = state.loader
  const now = loader.clock()
  const credential = parseCredential(raw)
  if (!credential) {
    loader.emit({ type: 'invalidCredential', at: now, reason: 'malformed' })
    return false
  }
  const record = await loader.call('get', (store) => store.get(credential.id))
  if (!record) {
    loader.emit({ type: 'invalidCredential', at: now, reason: 'unknown' })
    return false
  }
  // Synchronously where the runtime can: one promise hop less on every request.
  const hash =
    loader.hashSecretNow?.(credential.secret) ?? (await loader.hashSecret(credential.secret))
  if (!holdsCredential(record, kind, hash)) {
    loader.emit({ type: 'invalidCredential', at: now, reason: 'mismatch', session: record.id })
    return false
  }
  if (now >= expiresAt(record)) {
    // Enforced here as well as in the store: the manager's clock is the one that counts.
    const reason = now >= record.absoluteExpiresAt ? 'absolute' : 'idle'
    await loader.call('delete', (store) => store.delete(record.id))
    loader.emit({ type: 'expired', session: record.id, at: now, reason })
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

/**
 * Whether `record` holds a credential of `kind` whose secret hashes to `hash` (constant
 * time). A cookie is the session's own or a shared site's (`cookie@<origin>`).
 */
export function holdsCredential(
  record: SessionRecord,
  kind: 'cookie' | 'token',
  hash: string,
): boolean {
  return findCredential(record.credentials, hash, (entry) => entry.kind === kind) !== undefined
}
