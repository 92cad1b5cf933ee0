import type { SessionRecord } from '@tessera/core'
import { loadKeyring } from '../load-keyring.js'
import { listingHeader, listingRow, sessionListing } from '../output/session-listing.js'
import { openStore, type StoreFlags } from '../stores/open-store.js'
import type { Command } from './command.js'
import { CACHE_OPTION, SECRET_OPTION, STORE_OPTIONS } from './store-options.js'

const PAGE = 500

/**
 * `tessera sessions list [--user ID] [--json]`: every live session (or one user's),
 * streamed page by page through the store's `scan`, as a table or as JSON Lines.
 *
 * @example
 * ```sh
 * TESSERA_SECRET=… tessera sessions list --store sqlite:data/sessions.sqlite3 --user 1 --json
 * ```
 */
export const sessionsList: Command = {
  words: ['sessions', 'list'],
  summary: 'list live sessions (all, or one user’s) as a table or JSON Lines',
  usage:
    'tessera sessions list [--user ID] [--json] [--secret-file FILE] [--store URL] [--table NAME] [--cache URL] [--prefix PREFIX]',
  description: `Lists live sessions: public id, user, created, last seen, expires, IP, user agent.
Without --user it walks the whole store one page of ${PAGE} at a time (never all of it
in memory), in store order; with --user it lists that user's sessions, most recently
seen first. The count goes to stderr, so stdout is only the listing.

The id is the PUBLIC session id, the one users see on "Your sessions" and the one
"tessera sessions revoke" takes. It is derived from the app's secret, so it needs
TESSERA_SECRET or --secret-file; without it the id column shows "-" (JSON: null).
Store ids, credentials and session data are never shown.

--json prints one JSON object per line (JSON Lines) with the fields id, user,
createdAt, lastSeenAt, expiresAt (ISO 8601, UTC), userAgent and ip.

Examples:
  tessera sessions list --store sqlite:data/sessions.sqlite3
  TESSERA_SECRET=… tessera sessions list --store postgres://app@db/app --user 42 --json`,
  options: {
    user: { type: 'string', arg: 'ID', help: "only this user's sessions" },
    json: { type: 'boolean', help: 'JSON Lines instead of a table' },
    ...SECRET_OPTION,
    ...STORE_OPTIONS,
    ...CACHE_OPTION,
  },
  positionals: { min: 0, max: 0, names: '' },
  async run(args, io) {
    const keys = loadKeyring(args.values['secret-file'] as string | undefined, io.env)
    const json = args.values.json === true
    const user = args.values.user as string | undefined
    const opened = await openStore(args.values as StoreFlags, io.env)
    try {
      if (!keys) {
        io.err(
          'note: no TESSERA_SECRET or --secret-file, so no public session ids are shown (they are what users see on "Your sessions")',
        )
      }
      if (!json) io.out(listingHeader())
      let count = 0
      const print = async (page: SessionRecord[]): Promise<void> => {
        for (const record of page) {
          const listing = await sessionListing(record, keys)
          io.out(json ? JSON.stringify(listing) : listingRow(listing))
          count++
        }
      }
      if (user !== undefined) {
        const records = await opened.store.listByUser(user)
        await print(records.sort((a, b) => b.lastSeenAt - a.lastSeenAt))
      } else {
        for await (const page of opened.store.scan({ batchSize: PAGE })) await print(page)
      }
      const whose = user === undefined ? '' : ' of that user'
      io.err(`${count} live ${count === 1 ? 'session' : 'sessions'}${whose} in ${opened.display}`)
    } finally {
      await opened.close()
    }
  },
}
