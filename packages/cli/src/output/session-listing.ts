import type { Keyring } from '@tessera/core'
import { expiresAt, publicSessionId, type SessionRecord } from '@tessera/core'
import { terminalSafe } from './terminal-safe.js'

/** One session as `tessera sessions list` shows it; times are ISO 8601 in UTC. */
export interface SessionListing {
  /** The public session id (what "Your sessions" shows), or null without the secret. */
  id: string | null
  user: string | null
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  userAgent: string | null
  ip: string | null
}

/**
 * What the listing shows of `record`: never its store id (with the app secret that
 * becomes the public id instead), its credentials or its data.
 *
 * @example
 * ```ts
 * io.out(JSON.stringify(await sessionListing(record, keys)))
 * ```
 */
export async function sessionListing(
  record: SessionRecord,
  keys: Keyring | undefined,
): Promise<SessionListing> {
  return {
    id: keys ? await publicSessionId(keys, record.id) : null,
    user: record.userId,
    createdAt: iso(record.createdAt),
    lastSeenAt: iso(record.lastSeenAt),
    expiresAt: iso(expiresAt(record)),
    userAgent: record.meta?.userAgent ?? null,
    ip: record.meta?.ip ?? null,
  }
}

const COLUMNS = [
  ['ID', 22],
  ['USER', 16],
  ['CREATED', 20],
  ['LAST SEEN', 20],
  ['EXPIRES', 20],
  ['IP', 15],
  ['USER AGENT', 0],
] as const

/** The header line of the table (fixed widths, so rows stream without measuring them). */
export function listingHeader(): string {
  return COLUMNS.map(([name, width]) => name.padEnd(width))
    .join('  ')
    .trimEnd()
}

/** One table row; untrusted text is made {@link terminalSafe}, long values overflow their column. */
export function listingRow(listing: SessionListing): string {
  const cells = [
    listing.id ?? '-',
    listing.user ?? '(anonymous)',
    listing.createdAt,
    listing.lastSeenAt,
    listing.expiresAt,
    listing.ip ?? '-',
    listing.userAgent ?? '-',
  ]
  return cells
    .map((cell, i) => terminalSafe(cell).padEnd(COLUMNS[i]?.[1] ?? 0))
    .join('  ')
    .trimEnd()
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : String(ms)
}
