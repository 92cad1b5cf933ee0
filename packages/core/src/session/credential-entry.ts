import { constantTimeEqual } from '../lib/constant-time-equal.js'

/**
 * One credential of a session record, as the record's `credentials` map keys it. The map
 * keeps string keys (that is the stored shape every store already holds); the core reads
 * them through this type, parsed once, and writes them with {@link credentialKey}.
 *
 * - `cookie`: the session cookie; `site` is set for a site that joined the session
 *   through django-shared-session (`cookie@<origin>`, one cookie credential per site).
 * - `token`: a header token (django-session-token), ordered by issue time; `seq` is
 *   random, so tokens issued in one millisecond have keys of their own.
 * - `transfer`: a one-time cross-domain transfer code for `destination`, live until
 *   `expiresAt` (django-shared-session).
 */
export type CredentialEntry =
  | { kind: 'cookie'; site: string | null }
  | { kind: 'token'; issuedAt: number; seq: number }
  | { kind: 'transfer'; expiresAt: number; tag: string; destination: string }

/** A parsed entry with its stored key and secret hash. */
export type StoredCredential = CredentialEntry & { key: string; hash: string }

const COOKIE_AT = /^cookie@(.+)$/
// The session's own cookie, the entry every cookie request looks up: one shared object.
const OWN_COOKIE: CredentialEntry = Object.freeze({ kind: 'cookie', site: null })
const TOKEN = /^token:(\d+):(\d+)$/
const TRANSFER = /^transfer:(\d+):([A-Za-z0-9_-]+)@(.+)$/

/** The entry a stored key names, or `null` for a key this version does not know. */
export function parseCredentialKey(key: string): CredentialEntry | null {
  if (key === 'cookie') return OWN_COOKIE
  let m = COOKIE_AT.exec(key)
  if (m) return { kind: 'cookie', site: m[1] as string }
  m = TOKEN.exec(key)
  if (m) return { kind: 'token', issuedAt: Number(m[1]), seq: Number(m[2]) }
  m = TRANSFER.exec(key)
  if (m)
    return {
      kind: 'transfer',
      expiresAt: Number(m[1]),
      tag: m[2] as string,
      destination: m[3] as string,
    }
  return null
}

/** The stored key of `entry` (the inverse of {@link parseCredentialKey}). */
export function credentialKey(entry: CredentialEntry): string {
  switch (entry.kind) {
    case 'cookie':
      return entry.site === null ? 'cookie' : `cookie@${entry.site}`
    case 'token':
      return `token:${entry.issuedAt}:${entry.seq}`
    case 'transfer':
      return `transfer:${entry.expiresAt}:${entry.tag}@${entry.destination}`
  }
}

/** Every credential of a record, parsed once; keys this version does not know are skipped. */
export function storedCredentials(credentials: Record<string, string>): StoredCredential[] {
  const out: StoredCredential[] = []
  for (const [key, hash] of Object.entries(credentials)) {
    const entry = parseCredentialKey(key)
    if (entry) out.push({ ...entry, key, hash })
  }
  return out
}

/**
 * The key of the one of `credentials` that `accepts` and hashes to `hash`, or
 * `undefined`. Every entry is compared, in constant time, whichever matches first.
 */
export function findCredential(
  credentials: Record<string, string>,
  hash: string,
  accepts: (entry: CredentialEntry) => boolean,
): string | undefined {
  // On every request that carries a credential: no array, nothing built but the
  // parsed keys (the session's own cookie key parses to one shared object).
  let found: string | undefined
  for (const key of Object.keys(credentials)) {
    const entry = parseCredentialKey(key)
    if (entry === null || !accepts(entry)) continue
    if (constantTimeEqual(hash, credentials[key] as string)) found = key
  }
  return found
}

/** Most header tokens one session keeps alive: each render of a page may issue one. */
const MAX_TOKENS = 8

/** `credentials` plus newly issued tokens, keeping only the newest {@link MAX_TOKENS} tokens. */
export function withTokens(
  credentials: Record<string, string>,
  added: Record<string, string>,
): Record<string, string> {
  const all = { ...credentials, ...added }
  // Issue order is the issue time in the entry, whatever a store does to key order
  // (PostgreSQL's jsonb sorts keys).
  const tokens = storedCredentials(all)
    .filter((c) => c.kind === 'token')
    .sort((a, b) =>
      a.kind === 'token' && b.kind === 'token' ? a.issuedAt - b.issuedAt || a.seq - b.seq : 0,
    )
  for (const { key } of tokens.slice(0, Math.max(0, tokens.length - MAX_TOKENS))) delete all[key]
  return all
}
