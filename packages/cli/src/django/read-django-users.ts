import { existsSync } from 'node:fs'
import { CliError } from '../cli-error.js'
import { driverFailure } from '../stores/driver-failure.js'
import type { StoreUrl } from '../stores/store-url.js'

/** One row of Django's `auth_user`: what a login needs, nothing else. */
export interface DjangoUser {
  /** The integer primary key, in decimal, exactly (a bigint key may exceed 2^53). */
  id: string
  username: string
  /** Django's encoded hash, `<algorithm>$…` (or `!…` for an unusable password). */
  password: string
  isActive: boolean
}

// A table name as Django writes it: `auth_user`, or `schema.auth_user` on PostgreSQL.
const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/

interface Row {
  id: number | bigint | string
  username: string
  password: string
  is_active: boolean | number | bigint
}

// SQLite's INTEGER and PostgreSQL's bigint: what the target's integer key can hold.
const MAX_ID = 2n ** 63n - 1n

/**
 * The row's id as an exact decimal, or a refusal: a UUID key (a custom user model) or a
 * bigint beyond 2^53 read as a JavaScript number would be stored under another id.
 */
function exactId(id: Row['id'], table: string): string {
  const decimal = typeof id === 'string' ? id : String(id)
  if (typeof id !== 'number' || Number.isSafeInteger(id)) {
    if (/^[1-9]\d{0,18}$/.test(decimal) && BigInt(decimal) <= MAX_ID) return decimal
  }
  throw new CliError(
    'failure',
    `${table} has the id ${JSON.stringify(decimal.slice(0, 64))}, not a positive integer ` +
      "key: the target table's id is an integer (a user model with UUID keys needs its " +
      'own import); nothing was imported',
  )
}

const toUser = (row: Row, table: string): DjangoUser => ({
  id: exactId(row.id, table),
  username: row.username,
  password: row.password,
  isActive: row.is_active === true || row.is_active === 1 || row.is_active === 1n,
})

/**
 * Reads every user of a Django project's `auth_user` table (`id`, `username`,
 * `password`, `is_active`), in id order, from its SQLite file or PostgreSQL database.
 * Read-only: the Django database is never written. The driver (better-sqlite3 or pg)
 * is loaded only for the kind of database named, as for stores (`loadStoreDriver`). A missing file or table fails with
 * a message naming it; a connection URL's password never appears in a message.
 *
 * @example
 * ```ts
 * const users = await readDjangoUsers(parseStoreUrl('sqlite:db.sqlite3'), 'auth_user')
 * ```
 */
export async function readDjangoUsers(from: StoreUrl, table: string): Promise<DjangoUser[]> {
  if (!TABLE.test(table)) {
    throw new CliError('usage', `--from-table must be a table name or schema.name, got "${table}"`)
  }
  const quoted = table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.')
  const sql = `SELECT id, username, password, is_active FROM ${quoted} ORDER BY id`
  const rows = await readRows(from, table, sql)
  return rows.map((row) => toUser(row, table))
}

async function readRows(from: StoreUrl, table: string, sql: string): Promise<Row[]> {
  if (from.kind === 'sqlite') {
    if (!existsSync(from.path)) throw new CliError('failure', `no SQLite database at ${from.path}`)
    const { default: Database } = await import('better-sqlite3')
    let db: InstanceType<typeof Database> | undefined
    try {
      db = new Database(from.path, { readonly: true, fileMustExist: true })
      // Integers as bigint: a key beyond 2^53 must not be rounded before exactId sees it.
      return db.prepare<[], Row>(sql).safeIntegers(true).all()
    } catch (error) {
      throw driverFailure(`cannot read ${table} from ${from.display}`, error)
    } finally {
      db?.close()
    }
  }
  if (from.kind === 'postgres') {
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: from.url, connectionTimeoutMillis: 5000 })
    client.on('error', () => undefined)
    const password = typeof client.password === 'string' ? client.password : undefined
    try {
      await client.connect()
      // pg hands bigint (int8) columns over as strings: exact.
      return (await client.query<Row>(sql)).rows
    } catch (error) {
      throw driverFailure(`cannot read ${table} from ${from.display}`, error, [password])
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  throw new CliError('usage', '--from must be a Django database: sqlite:FILE or postgres://…')
}
