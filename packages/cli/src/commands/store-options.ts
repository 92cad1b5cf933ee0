import type { OptionSpec } from './command.js'

/** `--store`, `--table` and `--prefix`: how every store command finds its store. */
export const STORE_OPTIONS: Record<string, OptionSpec> = {
  store: {
    type: 'string',
    arg: 'URL',
    help: 'the session store (default: $TESSERA_STORE): sqlite:FILE, redis://…, rediss://…, redis+cluster://host:port,…, postgres://…',
  },
  table: {
    type: 'string',
    arg: 'NAME',
    help: 'SQLite/PostgreSQL table, name or schema.name (default: tessera_sessions)',
  },
  prefix: { type: 'string', arg: 'PREFIX', help: 'Redis key prefix (default: tessera:)' },
}

/** `--cache`: the Redis cache of a `TieredStore` deployment, so revocations reach it too. */
export const CACHE_OPTION: Record<string, OptionSpec> = {
  cache: {
    type: 'string',
    arg: 'URL',
    help: 'the Redis cache in front of a SQLite/PostgreSQL --store (TieredStore); --prefix is its prefix',
  },
}

/** `--secret-file`: the app secret for public session ids. */
export const SECRET_OPTION: Record<string, OptionSpec> = {
  'secret-file': {
    type: 'string',
    arg: 'FILE',
    help: "file holding the app's secret (default: $TESSERA_SECRET); needed for public session ids",
  },
}
