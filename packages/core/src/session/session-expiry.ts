import type { SessionMeta } from '../store/session-record.js'
import type { ResolvedSessionOptions } from './resolve-session-options.js'

/** The idle timeout of a session in ms: its own (`setExpiry(seconds)`) or the configured one. */
export function idleMsOf(
  options: Pick<ResolvedSessionOptions, 'idleMs'>,
  meta: SessionMeta,
): number {
  return meta.idleTimeout !== undefined ? meta.idleTimeout * 1000 : options.idleMs
}
