import { connect } from 'node:net'

/** The one Redis every Redis target uses (shared with other tests: never FLUSHALL/FLUSHDB). */
export const redisHost = '127.0.0.1'
export const redisPort = 6379
export const redisUrl = `redis://${redisHost}:${redisPort}`

/**
 * The key prefix of one Redis target in this process: its own per target and per process,
 * so concurrent runs and other users of the shared Redis never see each other's keys, and
 * clean-up (SCAN + DEL of `<prefix>*`) deletes only what this server wrote.
 */
export function redisPrefix(targetId: string): string {
  return `tessera-bench:${targetId}:${process.pid}:`
}

/** One SCAN page: the next cursor ('0' when done) and the keys of this page. */
export type ScanPage = (cursor: string, match: string) => Promise<[string, string[]]>

/**
 * Deletes every key starting with `prefix`, SCAN page by SCAN page (never KEYS, FLUSHALL
 * or FLUSHDB: the Redis is shared). `prefix` must not contain glob characters.
 * Returns the number of keys deleted.
 */
export async function deleteKeysWithPrefix(
  prefix: string,
  scan: ScanPage,
  del: (keys: string[]) => Promise<unknown>,
): Promise<number> {
  if (/[*?[\]\\]/.test(prefix)) throw new Error(`prefix ${prefix} contains glob characters`)
  let deleted = 0
  let cursor = '0'
  do {
    const [next, keys] = await scan(cursor, `${prefix}*`)
    if (keys.length > 0) {
      await del(keys)
      deleted += keys.length
    }
    cursor = next
  } while (cursor !== '0')
  return deleted
}

/**
 * Whether a Redis answers PING at host:port within `timeoutMs` (plain RESP over TCP, so the
 * parent needs no Redis client). Anything else (refused, timeout, an error reply such as
 * NOAUTH) counts as unreachable.
 */
export function redisReachable(
  options: { host?: string; port?: number; timeoutMs?: number } = {},
): Promise<boolean> {
  const { host = redisHost, port = redisPort, timeoutMs = 1_000 } = options
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    let reply = ''
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.setEncoding('utf8')
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk: string) => {
      reply += chunk
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
    socket.once('error', () => done(false))
    socket.once('close', () => done(false))
  })
}
