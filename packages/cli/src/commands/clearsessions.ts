import { createProgress } from '../output/progress.js'
import { openStore, type StoreFlags } from '../stores/open-store.js'
import type { Command } from './command.js'
import { CACHE_OPTION, STORE_OPTIONS } from './store-options.js'

const DEFAULT_RATE_LIMIT_TABLE = 'tessera_rate_limits'

/**
 * `tessera clearsessions`: Django's command. On SQLite and PostgreSQL it counts the
 * expired sessions, deletes them in batches of 1000 (`deleteExpired`, one short
 * statement per batch, never the whole set in memory) with a progress bar, and prints
 * how many went. Redis expires session keys by itself (TTLs), so there it prunes what
 * dead sessions leave behind: their entries in the per-user indexes. On SQLite and
 * PostgreSQL it also deletes the login-throttle counters whose window ended, when their
 * table is in the same database: each username ever tried leaves one until then.
 *
 * @example
 * ```sh
 * tessera clearsessions --store sqlite:data/sessions.sqlite3
 * # deleted 100000 expired sessions from sqlite:data/sessions.sqlite3 (table tessera_sessions)
 * ```
 */
export const clearsessions: Command = {
  words: ['clearsessions'],
  summary: 'delete expired sessions (Redis: prune stale user-index entries)',
  usage:
    'tessera clearsessions [--store URL] [--table NAME] [--rate-limit-table NAME] [--cache URL] [--prefix PREFIX]',
  description: `Deletes every expired session, in batches of 1000, showing progress on stderr
(a bar on a terminal, a line per tenth otherwise), and prints how many went.
Safe to run while the app serves requests, and from several machines at once.

On SQLite and PostgreSQL it then deletes the login-throttle counters whose window
ended (--rate-limit-table, default tessera_rate_limits), when that table is in the
same database; a missing table is skipped.

Redis expires session keys by itself (TTLs), so there is nothing to delete;
clearsessions then removes the index entries dead sessions leave in the
per-user indexes (SCAN, never KEYS, on every Cluster master) and says so.

Examples:
  tessera clearsessions --store sqlite:data/sessions.sqlite3
  TESSERA_STORE=postgres://app@db/app tessera clearsessions --table auth.sessions
  tessera clearsessions --store redis://127.0.0.1:6379 --prefix myapp:`,
  options: {
    ...STORE_OPTIONS,
    ...CACHE_OPTION,
    'rate-limit-table': {
      type: 'string',
      arg: 'NAME',
      help: 'the login-throttle table (default: tessera_rate_limits)',
    },
  },
  positionals: { min: 0, max: 0, names: '' },
  async run(args, io) {
    const flags = args.values as StoreFlags & { 'rate-limit-table'?: string }
    const opened = await openStore(flags, io.env)
    try {
      if (opened.redis) {
        const progress = createProgress(io, 'pruning user indexes')
        const { indexes, removed } = await opened.redis.pruneUserIndexes({
          onProgress: (p) => progress.update(p.removed, `stale entries, ${p.indexes} indexes`),
        })
        progress.done()
        io.out(
          `Redis expires sessions natively (TTLs): no session keys to delete. ` +
            `Removed ${removed} stale user-index entries from ${indexes} user indexes in ${opened.display}`,
        )
        return
      }
      const total = (await opened.store.countExpired?.()) ?? 0
      const progress = createProgress(io, 'deleting expired sessions', total)
      const deleted = await opened.store.deleteExpired({ onProgress: (n) => progress.update(n) })
      progress.done()
      io.out(
        `deleted ${deleted} expired ${deleted === 1 ? 'session' : 'sessions'} from ${opened.display}`,
      )
      const table = flags['rate-limit-table'] ?? DEFAULT_RATE_LIMIT_TABLE
      const limits = await opened.rateLimits?.(table)
      if (limits) {
        const ended = await limits.deleteExpired(Date.now())
        io.out(
          `deleted ${ended} ended login-throttle ${ended === 1 ? 'counter' : 'counters'} (table ${table})`,
        )
      }
    } finally {
      await opened.close()
    }
  },
}
