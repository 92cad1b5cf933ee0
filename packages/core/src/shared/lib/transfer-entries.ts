import { constantTimeEqual } from '../../lib/constant-time-equal.js'

/** Most transfer codes one session keeps outstanding: each page render may mint one per site. */
export const MAX_TRANSFERS = 16

// `transfer:<expires ms>:<tag>@<destination origin>`: the expiry and the destination sit
// in the key so a code is checked for both without a second lookup.
const KEY = /^transfer:(\d+):[A-Za-z0-9_-]+@(.+)$/

/** The credentials map key of a transfer code for `destination`, valid until `expiresAt`. */
export function transferKey(expiresAt: number, tag: string, destination: string): string {
  return `transfer:${expiresAt}:${tag}@${destination}`
}

/**
 * `credentials` without expired transfer codes and with at most `MAX_TRANSFERS - 1` live
 * ones (the newest), leaving room for one more. Other credentials are kept as they are.
 */
export function pruneTransfers(
  credentials: Record<string, string>,
  now: number,
): Record<string, string> {
  const out: Record<string, string> = {}
  const live: Array<[string, number]> = []
  for (const [key, hash] of Object.entries(credentials)) {
    const m = KEY.exec(key)
    if (!m) out[key] = hash
    else if (Number(m[1]) > now) live.push([key, Number(m[1])])
  }
  live.sort((a, b) => b[1] - a[1])
  for (const [key] of live.slice(0, MAX_TRANSFERS - 1)) out[key] = credentials[key] as string
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
  let found: string | undefined
  for (const [key, stored] of Object.entries(credentials)) {
    const m = KEY.exec(key)
    if (!m || Number(m[1]) <= now || m[2] !== destination) continue
    if (constantTimeEqual(hash, stored)) found = key
  }
  return found
}

/** Whether any credential of the record (cookie, per-site cookie, token) hashes to `hash`. */
export function holdsLiveCredential(credentials: Record<string, string>, hash: string): boolean {
  let found = false
  for (const [key, stored] of Object.entries(credentials)) {
    if (!key.startsWith('transfer:') && constantTimeEqual(hash, stored)) found = true
  }
  return found
}
