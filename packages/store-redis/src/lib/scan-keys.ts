import type { Cluster, Redis } from 'ioredis'
import type { RedisClient } from './redis-client.js'

/**
 * Yields, page by page, the keys of Redis type `type` matching `prefix*`, as the client
 * names them (without the client's own `keyPrefix`), on a standalone server or on every
 * Cluster master.
 *
 * SCAN, never KEYS: KEYS walks the whole keyspace in one blocking call and stalls every
 * other client of that Redis for as long as it takes. SCAN may yield a key twice or miss
 * one written meanwhile, so callers must only do idempotent work with what it finds.
 */
export async function* scanKeys(
  client: RedisClient,
  prefix: string,
  type: string,
  count = 250,
): AsyncGenerator<string[]> {
  // ioredis applies keyPrefix to key arguments but not to the SCAN pattern nor to the
  // keys SCAN returns, so it is added to one and stripped from the other here.
  const clientPrefix = typeof client.options.keyPrefix === 'string' ? client.options.keyPrefix : ''
  const pattern = `${escapeGlob(clientPrefix + prefix)}*`
  const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis]
  for (const node of nodes) {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count, 'TYPE', type)
      cursor = next
      const own = keys
        .filter((key) => key.startsWith(clientPrefix))
        .map((key) => key.slice(clientPrefix.length))
      if (own.length > 0) yield own
    } while (cursor !== '0')
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
