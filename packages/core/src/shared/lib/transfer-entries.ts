import {
  type CredentialEntry,
  findCredential,
  parseCredentialKey,
} from '../../session/credential-entry.js'

/** Most transfer codes one session keeps outstanding: each page render may mint one per site. */
export const MAX_TRANSFERS = 16

/**
 * `credentials` without expired transfer codes and with at most `MAX_TRANSFERS - 1` live
 * ones (the newest), leaving room for one more. Other credentials are kept as they are.
 */
export function pruneTransfers(
  credentials: Record<string, string>,
  now: number,
): Record<string, string> {
  const out: Record<string, string> = {}
  const live: Array<{ key: string; hash: string; expiresAt: number }> = []
  for (const [key, hash] of Object.entries(credentials)) {
    const entry = parseCredentialKey(key)
    if (entry?.kind !== 'transfer') out[key] = hash
    else if (entry.expiresAt > now) live.push({ key, hash, expiresAt: entry.expiresAt })
  }
  live.sort((a, b) => b.expiresAt - a.expiresAt)
  for (const { key, hash } of live.slice(0, MAX_TRANSFERS - 1)) out[key] = hash
  return out
}

/**
 * The key of the live transfer code for `destination` whose hash is `hash`, or
 * `undefined`. Every entry is compared, in constant time, whatever matches first.
 */
export function findTransfer(
  credentials: Record<string, string>,
  hash: string,
  destination: string,
  now: number,
): string | undefined {
  const isLiveFor = (entry: CredentialEntry) =>
    entry.kind === 'transfer' && entry.expiresAt > now && entry.destination === destination
  return findCredential(credentials, hash, isLiveFor)
}

/** Whether any credential of the record (cookie, per-site cookie, token) hashes to `hash`. */
export function holdsLiveCredential(credentials: Record<string, string>, hash: string): boolean {
  return findCredential(credentials, hash, (entry) => entry.kind !== 'transfer') !== undefined
}
