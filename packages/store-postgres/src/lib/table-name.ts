import { createHash } from 'node:crypto'
import { ConfigError } from '@tessera/core'

const PART = '[A-Za-z_][A-Za-z0-9_]{0,62}'
const TABLE_NAME = new RegExp(`^(?:${PART}\\.)?${PART}$`)
// PostgreSQL truncates identifiers to 63 bytes without an error.
const MAX_IDENTIFIER = 63

/** A validated table name, ready to be put into SQL. */
export interface TableName {
  /** As given, e.g. `auth.sessions`: names the migration lock. */
  readonly name: string
  /** Quoted and possibly schema-qualified, e.g. `"auth"."sessions"`. */
  readonly sql: string
  /** An index on this table, by suffix: its bare name for `CREATE INDEX` and its qualified name. */
  index(suffix: string): { readonly bare: string; readonly qualified: string }
}

/**
 * Validates `value` as `table` or `schema.table` (plain identifiers of up to 63
 * characters) and quotes each part, so no option can inject SQL. Quoting keeps case:
 * `Sessions` is the table `"Sessions"`, not `sessions`.
 *
 * @throws {ConfigError} `CONFIG_INVALID` naming `owner` when `value` is anything else.
 */
export function tableName(owner: string, value: unknown): TableName {
  if (typeof value !== 'string' || !TABLE_NAME.test(value)) {
    throw new ConfigError(
      `${owner}: "table" must be "name" or "schema.name", each part matching /^[A-Za-z_][A-Za-z0-9_]{0,62}$/`,
    )
  }
  const parts = value.split('.')
  const table = parts.at(-1) as string
  const schema = parts.length === 2 ? `"${parts[0]}".` : ''
  return {
    name: value,
    sql: `${schema}"${table}"`,
    index(suffix) {
      // Cut the table part, never the suffix: two indexes of a long table name must not
      // truncate to the same name, or `IF NOT EXISTS` would silently skip the second one.
      const bare = `"${table.slice(0, MAX_IDENTIFIER - suffix.length)}${suffix}"`
      return { bare, qualified: `${schema}${bare}` }
    },
  }
}

/** The key of the advisory lock that serialises migrations of one table, as a bigint string. */
export function migrationLockKey(table: TableName): string {
  const digest = createHash('sha256').update(`tessera.migrate:${table.name}`).digest()
  return digest.readBigInt64BE(0).toString()
}
