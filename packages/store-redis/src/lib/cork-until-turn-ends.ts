import type { Writable } from 'node:stream'
import type { RedisClient } from './redis-client.js'

/** Connections corked now, each until its `setImmediate` below runs. */
const corked = new WeakSet<Writable>()

/**
 * Holds what `client` writes to Redis from now until the end of this event-loop turn
 * (the `setImmediate` after the current poll phase), then sends it in one write.
 *
 * Node runs each socket's callback, and the microtasks after it, before the next
 * socket's: the sessions that 50 connections' requests read in one poll phase would
 * each leave in a system call of their own, and each wake Redis. Corked, they go out
 * together, as one pipeline that Redis reads and answers at once. ioredis's own
 * `enableAutoPipelining` flushes at `process.nextTick`, inside each socket's callback,
 * so it does not join them. The delay is the rest of the turn; nothing waits on a timer.
 *
 * Commands and their replies stay in ioredis's order: only the bytes wait. A standalone
 * or Sentinel client only; a Cluster client (several connections, redirections) is
 * left alone, as is a client with no writable connection yet (ioredis queues offline).
 *
 * @example
 * ```ts
 * corkUntilTurnEnds(client)
 * const row = await client.hmget(key, 'rec')
 * ```
 */
export function corkUntilTurnEnds(client: RedisClient): void {
  if (client.isCluster) return
  const stream = (client as { stream?: Writable }).stream
  if (stream === undefined || !stream.writable || corked.has(stream)) return
  corked.add(stream)
  stream.cork()
  setImmediate(() => {
    corked.delete(stream)
    stream.uncork()
  })
}
