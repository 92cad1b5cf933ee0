import { Cluster, type Redis } from 'ioredis'

/**
 * Deletes every key starting with `prefix`, found with SCAN on a standalone server or
 * on every Cluster master: how tests clean up their own keys on the shared Redis
 * (never FLUSHALL/FLUSHDB).
 */
export async function deleteRedisKeys(client: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client]
  for (const node of nodes) {
    // One key per UNLINK: on a Cluster a multi-key command must stay within one slot.
    await Promise.all((await redisKeysOf(node, prefix)).map((key) => node.unlink(key)))
  }
}

/** Every key of one server (or one Cluster node) that starts with `prefix`, via SCAN. */
export async function redisKeysOf(node: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, page] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    cursor = next
    keys.push(...page)
  } while (cursor !== '0')
  return keys
}
