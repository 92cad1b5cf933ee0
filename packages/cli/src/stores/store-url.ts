import { CliError } from '../cli-error.js'
import { hideInErrors } from '../output/redact.js'

/** A parsed `--store` URL: which store, where, and how to name it in messages. */
export type StoreUrl =
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'redis'; url: string; display: string }
  | {
      kind: 'redis-cluster'
      nodes: { host: string; port: number }[]
      username?: string
      password?: string
      tls: boolean
      display: string
    }
  | { kind: 'postgres'; url: string; display: string }

const SCHEMES = 'sqlite:, redis://, rediss://, redis+cluster://, rediss+cluster://, postgres://'

/**
 * Parses a `--store` URL (or `TESSERA_STORE`):
 *
 * - `sqlite:path/to/file.sqlite3` (relative to the working directory),
 *   `sqlite:/abs/path.sqlite3` or `sqlite:///abs/path.sqlite3`;
 * - `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS);
 * - `redis+cluster://[user:password@]host:port,host:port,…` (any reachable nodes of a
 *   Redis Cluster; `rediss+cluster://` for TLS);
 * - `postgres://…` or `postgresql://…` (anything `pg` accepts as a connection string).
 *
 * `display` is the URL with its password replaced by `***`: the only form of it any
 * message may carry.
 *
 * @throws {CliError} `usage` for an empty value, an unknown scheme or a malformed URL;
 * the message never contains the URL's password.
 *
 * @example
 * ```ts
 * parseStoreUrl('redis+cluster://:pw@10.0.0.1:7000,10.0.0.2:7000').display
 * // 'redis+cluster://:***@10.0.0.1:7000,10.0.0.2:7000'
 * ```
 */
export function parseStoreUrl(value: string): StoreUrl {
  if (value.trim() === '') throw new CliError('usage', 'the store URL is empty')
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase()
  switch (scheme) {
    case 'sqlite': {
      let path = value.slice('sqlite:'.length)
      if (path.startsWith('//')) path = path.slice(2)
      if (path === '' || path === ':memory:') {
        throw new CliError(
          'usage',
          'a sqlite: store URL needs a file path, e.g. sqlite:data/sessions.sqlite3',
        )
      }
      return { kind: 'sqlite', path, display: `sqlite:${path}` }
    }
    case 'redis':
    case 'rediss':
    case 'postgres':
    case 'postgresql': {
      const url = parseUrl(value, scheme)
      const kind = scheme.startsWith('redis') ? 'redis' : 'postgres'
      if (url.hostname === '' && kind === 'redis') {
        throw new CliError('usage', `the ${scheme}:// store URL has no host`)
      }
      hideInErrors(safeDecode(url.password))
      return { kind, url: value, display: redact(url) }
    }
    case 'redis+cluster':
    case 'rediss+cluster':
      return parseCluster(value, scheme)
    default:
      throw new CliError(
        'usage',
        scheme === undefined
          ? `the store URL must start with one of ${SCHEMES}`
          : `unsupported store URL scheme "${scheme.slice(0, 20)}:" (use ${SCHEMES})`,
      )
  }
}

function parseUrl(value: string, scheme: string): URL {
  try {
    return new URL(value)
  } catch {
    // The WHATWG parser's message would quote the whole input, password included.
    throw new CliError('usage', `the ${scheme}:// store URL is malformed`)
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function redact(url: URL): string {
  const copy = new URL(url.href)
  if (copy.password) copy.password = '***'
  for (const key of [...copy.searchParams.keys()]) {
    if (/pass|secret|token|key/i.test(key)) copy.searchParams.set(key, '***')
  }
  return copy.href
}

/** `redis+cluster://[user:pass@]host:port,host:port[/]`: the nodes and credentials. */
function parseCluster(value: string, scheme: string): StoreUrl {
  const match = /^[^:]+:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?$/.exec(value)
  if (!match) throw new CliError('usage', `the ${scheme}:// store URL is malformed`)
  const [, userinfo, hosts = ''] = match
  let username: string | undefined
  let password: string | undefined
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':')
    try {
      username = decodeURIComponent(colon === -1 ? userinfo : userinfo.slice(0, colon))
      password = colon === -1 ? undefined : decodeURIComponent(userinfo.slice(colon + 1))
    } catch {
      throw new CliError('usage', `the ${scheme}:// store URL has a malformed user or password`)
    }
  }
  const nodes = hosts.split(',').map((node) => {
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+):(\d{1,5})$/i.exec(node)
    const port = Number(m?.[2])
    if (!m || port < 1 || port > 65535) {
      throw new CliError(
        'usage',
        `each node of a ${scheme}:// store URL must be host:port, e.g. ${scheme}://10.0.0.1:7000,10.0.0.2:7000`,
      )
    }
    return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port }
  })
  hideInErrors(password)
  const user =
    userinfo === undefined ? '' : `${username ?? ''}${password === undefined ? '' : ':***'}@`
  return {
    kind: 'redis-cluster',
    nodes,
    ...(username ? { username } : {}),
    ...(password === undefined ? {} : { password }),
    tls: scheme === 'rediss+cluster',
    display: `${scheme}://${user}${hosts}`,
  }
}
