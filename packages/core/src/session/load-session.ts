import { getCookie } from '../cookie/index.js'
import type { VerifiedSessionJwt } from '../jwt/session-jwt-codec.js'
import { expiresAt, type SessionRecord } from '../store/session-record.js'
import { upgradeRecord } from '../store/upgrade-record.js'
import { type Credential, parseCredential } from './credential.js'
import { type CredentialEntry, findCredential } from './credential-entry.js'
import type { SessionState } from './session-state.js'

/**
 * Loads the request's session from its credential: a valid header token wins over the
 * cookie; a bogus one is ignored, so the request is treated as the cookie request it is
 * (and stays subject to CSRF checks). A malformed, unknown, mismatched or expired
 * credential leaves the state without a record (a new session) and emits an event.
 * Returns `undefined` when it finished synchronously — a cookie read from a store with
 * `getNow` (the embedded ones), the usual request: no promise, no hop. Else a promise
 * of `state` once it is loaded: the store read's own ({@link loadFromStore}), with no
 * step of its own after it.
 */
export function loadSession(state: SessionState): Promise<SessionState> | undefined {
  const token = state.loader.tokenOf(state.request)
  return token === undefined ? loadCookie(state) : loadToken(state, token)
}

async function loadToken(state: SessionState, token: string): Promise<SessionState> {
  const found = loadWith(state, token, 'token')
  // Read from the store, a token marks the state loaded only when it was adopted.
  if (found instanceof Promise ? (await found).loaded : found) {
    state.loaded = true
    return state
  }
  return (await loadCookie(state)) ?? state
}

function loadCookie(state: SessionState): Promise<SessionState> | undefined {
  const loader = state.loader
  const raw = getCookie(state.request.cookie, loader.options.cookieName)
  if (raw === undefined || !loader.jwt) return loadCookieCredential(state, raw)
  const now = loader.clock()
  // A token the codec has verified before answers synchronously.
  const read = loader.jwt.read(raw, now, loader.options.jwt?.acceptExpired ?? 0)
  return read instanceof Promise
    ? read.then((verified) => loadCookieCredential(state, openedJwt(state, verified, now)) ?? state)
    : loadCookieCredential(state, openedJwt(state, read, now))
}

function loadCookieCredential(
  state: SessionState,
  raw: string | undefined,
): Promise<SessionState> | undefined {
  const found = raw === undefined ? false : loadWith(state, raw, 'cookie')
  // Read from the store: loadFromStore marks a cookie load done itself.
  if (found instanceof Promise) return found
  state.loaded = true
  return undefined
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

/**
 * Loads the session `raw` names into `state`: synchronously, whether it is live and `raw`
 * proves it; when it must wait on the store, {@link loadFromStore}'s promise.
 */
function loadWith(
  state: SessionState,
  raw: string,
  kind: 'cookie' | 'token',
): boolean | Promise<SessionState> {
  const loader = state.loader
  const now = loader.clock()
  const credential = parseCredential(raw)
  if (!credential) {
    loader.emit({ type: 'invalidCredential', at: now, reason: 'malformed' })
    return false
  }
  const { getNow, hashSecretNow } = loader
  if (getNow !== undefined && hashSecretNow !== undefined) {
    const record = getNow(credential.id)
    // An expired record is deleted from the store: that goes the asynchronous way.
    if (record === null || (record !== undefined && now < expiresAt(record))) {
      return adopt(state, credential, kind, now, record, record && hashSecretNow(credential.secret))
    }
  }
  return loadFromStore(state, credential, kind, now)
}

/**
 * {@link loadWith} through the store's asynchronous read. Settles with `state`, marked
 * loaded when this was the cookie (found or not: the request's last credential) or a
 * token it adopted; a token it did not adopt leaves the cookie to be read.
 */
async function loadFromStore(
  state: SessionState,
  credential: Credential,
  kind: 'cookie' | 'token',
  now: number,
): Promise<SessionState> {
  const loader = state.loader
  const record = await loader.read(credential.id)
  let adopted = false
  if (!record) adopt(state, credential, kind, now, null, null)
  else {
    // Synchronously where the runtime can: one promise hop less.
    const hash =
      loader.hashSecretNow?.(credential.secret) ?? (await loader.hashSecret(credential.secret))
    if (now >= expiresAt(record) && holdsCredential(record, kind, hash)) {
      // Enforced here as well as in the store: the manager's clock is the one that counts.
      const reason = now >= record.absoluteExpiresAt ? 'absolute' : 'idle'
      await loader.call('delete', (store) => store.delete(record.id))
      loader.emit({ type: 'expired', session: record.id, at: now, reason })
    } else adopted = adopt(state, credential, kind, now, record, hash)
  }
  if (adopted || kind === 'cookie') state.loaded = true
  return state
}

/**
 * Puts a live `record` (or `null`: none) into `state` when `credential`, whose secret
 * hashes to `hash`, is one of its credentials of `kind`; else emits why not.
 */
function adopt(
  state: SessionState,
  credential: Credential,
  kind: 'cookie' | 'token',
  now: number,
  record: SessionRecord | null,
  hash: string | null,
): boolean {
  const loader = state.loader
  if (!record || hash === null) {
    loader.emit({ type: 'invalidCredential', at: now, reason: 'unknown' })
    return false
  }
  if (!holdsCredential(record, kind, hash)) {
    loader.emit({ type: 'invalidCredential', at: now, reason: 'mismatch', session: record.id })
    return false
  }
  // Records written before the core's state had fields of its own load with it moved
  // out of the data; the next save writes them in the new shape.
  state.base = upgradeRecord(record)
  state.credential = credential
  state.credentialHash = hash
  state.kind = kind
  // No draft yet: a request that only reads never builds one (see draftIn).
  state.draft = null
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
  return (
    findCredential(record.credentials, hash, kind === 'cookie' ? isCookie : isToken) !== undefined
  )
}

const isCookie = (entry: CredentialEntry): boolean => entry.kind === 'cookie'
const isToken = (entry: CredentialEntry): boolean => entry.kind === 'token'
