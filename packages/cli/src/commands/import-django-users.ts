import { CliError } from '../cli-error.js'
import { djangoHashKind } from '../django/django-hash-support.js'
import { readDjangoUsers } from '../django/read-django-users.js'
import { terminalSafe } from '../output/terminal-safe.js'
import { loadStoreDriver } from '../stores/store-driver.js'
import { parseStoreUrl } from '../stores/store-url.js'
import type { Command } from './command.js'

/**
 * `tessera import-django-users`: copies the users of a Django project's `auth_user`
 * table (SQLite or PostgreSQL) into an app's SQLite users table with their Django
 * password hashes, so they log in with their old passwords; the app's login re-hashes
 * each with scrypt on first success (`@tessera/password` reports `needsRehash`).
 *
 * @example
 * ```sh
 * tessera import-django-users --from sqlite:../django/db.sqlite3 --to data/app.sqlite3
 * # imported 1204 users from sqlite:../django/db.sqlite3 (auth_user) into sqlite:data/app.sqlite3 (users)
 * ```
 */
export const importDjangoUsers: Command = {
  words: ['import-django-users'],
  summary: "import Django's auth_user with its password hashes",
  usage: 'tessera import-django-users --from URL --to FILE [--from-table NAME] [--to-table NAME]',
  description: `Copies every user of a Django project's auth_user table (id, username,
password hash, is_active) into an app's SQLite users table of the same shape (the
demo's data/app.sqlite3, table users). The Django database is only read. Ids and
hashes are kept: users log in with their old passwords, and the login re-hashes
them with scrypt. Users already in the target (same username or id) are left as
they are, so the import can be run again.
Ids must be integers (up to 2^63 - 1, kept exactly); a table keyed on UUIDs is
refused before anything is written.

Hashes Tessera verifies: pbkdf2_sha256 (Django's default), pbkdf2_sha1, scrypt.
Users with another hash (argon2, bcrypt_sha256, md5, …) are not imported and are
listed: they need a password reset. Users without a usable password (Django's
"!…") are imported and cannot log in with a password, as in Django.

Examples:
  tessera import-django-users --from sqlite:../site/db.sqlite3 --to data/app.sqlite3
  tessera import-django-users --from postgres://django@db/site --to data/app.sqlite3`,
  options: {
    from: {
      type: 'string',
      arg: 'URL',
      help: 'the Django database: sqlite:FILE or postgres://… (read only)',
    },
    'from-table': {
      type: 'string',
      arg: 'NAME',
      help: "Django's user table, name or schema.name (default: auth_user)",
    },
    to: { type: 'string', arg: 'FILE', help: "the app's SQLite database (sqlite:FILE or FILE)" },
    'to-table': { type: 'string', arg: 'NAME', help: 'its users table (default: users)' },
  },
  positionals: { min: 0, max: 0, names: '' },
  async run(args, io) {
    const { from, to } = args.values
    if (typeof from !== 'string') throw new CliError('usage', '--from is required (see --help)')
    if (typeof to !== 'string') throw new CliError('usage', '--to is required (see --help)')
    const source = parseStoreUrl(from)
    const target = parseStoreUrl(to.includes(':') ? to : `sqlite:${to}`)
    if (target.kind !== 'sqlite') {
      throw new CliError('usage', '--to must be a SQLite file (sqlite:FILE or FILE)')
    }
    const fromTable = (args.values['from-table'] as string | undefined) ?? 'auth_user'
    const toTable = (args.values['to-table'] as string | undefined) ?? 'users'
    if (source.kind === 'postgres' || source.kind === 'sqlite') {
      // The drivers are optional peers: a missing one is an exact npm install line.
      await loadStoreDriver(source.kind, async () => undefined)
    }
    const users = await readDjangoUsers(source, fromTable)
    const unsupported = new Map<string, string[]>()
    const importable = users.filter((user) => {
      const kind = djangoHashKind(user.password)
      if (kind === 'supported' || kind === 'unusable') return true
      unsupported.set(kind, [...(unsupported.get(kind) ?? []), user.username])
      return false
    })
    const { writeUsersSqlite } = await loadStoreDriver(
      'sqlite',
      () => import('../django/write-users-sqlite.js'),
    )
    const { imported, existing } = writeUsersSqlite(target.path, toTable, importable)
    const names = (list: string[]) => list.map((n) => terminalSafe(n)).join(', ')
    if (existing.length > 0) {
      io.err(`already there, left as they are (${existing.length}): ${names(existing)}`)
    }
    for (const [algorithm, list] of unsupported) {
      io.err(
        `not imported, ${terminalSafe(algorithm)} hashes are not supported (${list.length}, need a password reset): ${names(list)}`,
      )
    }
    io.out(
      `imported ${imported} ${imported === 1 ? 'user' : 'users'} from ${source.display} (${fromTable}) into ${target.display} (${toTable})`,
    )
  },
}
