import { createConnection } from 'node:net'

/**
 * `null` when a Redis server at `host:port` answered PING with PONG within a second,
 * else why not (for a service gate's reason). Plain TCP, so it needs no client library.
 */
export function pingRedis(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    let reply = ''
    const done = (result: string | null) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(1000, () => done('timed out'))
    socket.once('error', (e) => done(e.message))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') ? null : reply.trim())
    })
  })
}
