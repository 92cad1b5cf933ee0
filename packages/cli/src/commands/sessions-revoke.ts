import { publicSessionId, type SessionRecord } from '@tessera/core'
import { CliError } from '../cli-error.js'
import { loadKeyring } from '../load-keyring.js'
import { terminalSafe } from '../output/terminal-safe.js'
import { openStore, type StoreFlags } from '../stores/open-store.js'
import type { Command } from './command.js'
import { CACHE_OPTION, SECRET_OPTION, STORE_OPTIONS } from './store-options.js'

const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/

/**
 * `tessera sessions revoke <publicId>` ends one session, found by the public id users
 * and `sessions list` see; `tessera sessions revoke --user ID` ends all of a user's
 * sessions. Revocation deletes the record, so every credential of it (cookie, header
 * tokens, JWTs) stops working on the next request.
 *
 * @example
 * ```sh
 * TESSERA_SECRET=… tessera sessions revoke 3hJ0y9oU2pVnHh3kq1lX8w --store sqlite:data/sessions.sqlite3
 * tessera sessions revoke --user 42 --store postgres://app@db/app
 * ```
 */
export const sessionsRevoke: Command = {
  words: ['sessions', 'revoke'],
  summary: 'end one session by its public id, or every session of a user',
  usage: `tessera sessions revoke <publicId> [--user ID] [--secret-file FILE] [--store URL] [--table NAME] [--cache URL] [--prefix PREFIX]
  tessera sessions revoke --user ID [--store URL] [--table NAME] [--cache URL] [--prefix PREFIX]`,
  description: `Ends sessions by deleting them from the store: their cookies, header tokens and
JWTs stop working on their next request. Prints how many went.

With <publicId> (the id "sessions list" and "Your sessions" show) it ends that one
session. Finding it needs the app's secret (TESSERA_SECRET or --secret-file); with
--user too, only that user's sessions are searched (fast), otherwise the whole store
is walked page by page. An id that matches no live session exits with 1.

With --user alone it ends every session of that user (0 is not an error).

An app on a TieredStore (Redis in front of SQLite or PostgreSQL) keeps copies of
sessions in Redis: give that Redis as --cache (and its --prefix) so the copies go
too, as the app's own revocations do.

Examples:
  TESSERA_SECRET=… tessera sessions revoke 3hJ0y9oU2pVnHh3kq1lX8w --store sqlite:data/sessions.sqlite3
  tessera sessions revoke --user 42 --store redis://127.0.0.1:6379`,
  options: {
    user: {
      type: 'string',
      arg: 'ID',
      help: "every session of this user (or: search only this user's)",
    },
    ...SECRET_OPTION,
    ...STORE_OPTIONS,
    ...CACHE_OPTION,
  },
  positionals: { min: 0, max: 1, names: '<publicId>' },
  async run(args, io) {
    const publicId = args.positionals[0]
    const user = args.values.user as string | undefined
    if (publicId === undefined && user === undefined) {
      throw new CliError(
        'usage',
        'give a public session id, or --user ID for all of a user’s sessions',
      )
    }
    if (publicId !== undefined && !PUBLIC_ID.test(publicId)) {
      throw new CliError(
        'usage',
        'a public session id is 22 characters of A-Z, a-z, 0-9, "-" and "_"',
      )
    }
    const keys =
      publicId === undefined
        ? undefined
        : loadKeyring(args.values['secret-file'] as string | undefined, io.env)
    if (publicId !== undefined && !keys) {
      throw new CliError(
        'usage',
        'revoking by public id needs the app secret: set TESSERA_SECRET or pass --secret-file',
      )
    }
    const opened = await openStore(args.values as StoreFlags, io.env)
    try {
      const who = user === undefined ? '' : ` of user ${terminalSafe(user)}`
      if (publicId === undefined || !keys) {
        const n = await opened.store.deleteByUser(user as string)
        io.out(`revoked ${n} ${n === 1 ? 'session' : 'sessions'}${who} in ${opened.display}`)
        return
      }
      const matches = async (record: SessionRecord) =>
        (await publicSessionId(keys, record.id)) === publicId
      let found: SessionRecord | undefined
      if (user !== undefined) {
        for (const record of await opened.store.listByUser(user)) {
          if (await matches(record)) found = record
        }
      } else {
        search: for await (const page of opened.store.scan()) {
          for (const record of page) {
            if (await matches(record)) {
              found = record
              break search
            }
          }
        }
      }
      if (!found) {
        throw new CliError(
          'failure',
          `no live session${who} has the public id ${publicId} in ${opened.display}`,
        )
      }
      await opened.store.delete(found.id)
      const owner =
        found.userId === null ? 'an anonymous session' : `user ${terminalSafe(found.userId)}`
      io.out(`revoked 1 session (${publicId}, ${owner}) in ${opened.display}`)
    } finally {
      await opened.close()
    }
  },
}
