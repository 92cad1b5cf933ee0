import { RedisStore } from '@tessera/store-redis'
import { Cluster, Redis } from 'ioredis'
import { hideInErrors } from '../output/redact.js'
import { driverFailure } from './driver-failure.js'
import type { OpenedStore } from './opened-store.js'
import type { StoreUrl } from './store-url.js'

const CONNECT_TIMEOUT_MS = 5000

/**
 * Connects to Redis or a Redis Cluster and opens a {@link RedisStore} on `prefix`.
 * The client is made for a command, not a web app: it connects once, never retries,
 * queues nothing while offline, and fails within {@link CONNECT_TIMEOUT_MS}.
 */
export async function openRedis(
  url: Extract<StoreUrl, { kind: 'redis' | 'redis-cluster' }>,
  prefix: string,
): Promise<OpenedStore> {
  const common = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
  }
  let client: Redis | Cluster
  let password: string | undefined
  if (url.kind === 'redis') {
    client = new Redis(url.url, { ...common, retryStrategy: () => null })
    password = client.options.password
  } else {
    password = url.password
    client = new Cluster(url.nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: () => null,
      redisOptions: {
        ...common,
        ...(url.username ? { username: url.username } : {}),
        ...(url.password === undefined ? {} : { password: url.password }),
        ...(url.tls ? { tls: {} } : {}),
      },
    })
  }
  // Without a listener ioredis reports connection errors as uncaught 'error' events.
  let lastError: unknown
  client.on('error', (error: unknown) => {
    lastError = error
  })
  hideInErrors(password)
  const close = async (): Promise<void> => {
    await client.quit().catch(() => client.disconnect())
  }
  let store: RedisStore
  try {
    // Before connecting: a bad prefix is a ConfigError (a usage error), not a failure.
    store = new RedisStore({ client, prefix })
  } catch (error) {
    client.disconnect()
    throw error
  }
  try {
    await client.connect()
    // A Cluster is "ready" before it has checked credentials on every node; one
    // round trip makes a wrong password fail here, with its own message.
    await client.ping()
  } catch (error) {
    client.disconnect()
    // connect() rejects with a bare "Connection is closed."; the cause came as an event.
    throw driverFailure(`cannot connect to ${url.display}`, lastError ?? error, [password])
  }
  return {
    kind: 'redis',
    display: `${url.display} (prefix ${prefix})`,
    store,
    redis: store,
    close,
  }
}
