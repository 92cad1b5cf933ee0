import { connect, type Socket } from 'node:net'
import { writeFloorHash } from './floor-hash.js'
import type { FloorRead } from './floor-read.js'
import { redisHost, redisPort } from './redis.js'

/** The RESP encoding of one command whose arguments are all strings. */
const encode = (args: readonly string[]): string =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`

/**
 * Parses one reply to HMGET (an array of bulk strings, `$-1` for a missing field) from
 * `buf` at `at`. Returns its first element and where the next reply starts, or `undefined`
 * when the reply is not all in `buf` yet. Throws on anything else (an error reply):
 * this reader serves one benchmark, never untrusted input.
 */
function parseHmget(buf: Buffer, at: number): { first: string | null; next: number } | undefined {
  const line = (from: number): { text: string; next: number } | undefined => {
    const end = buf.indexOf('\r\n', from, 'latin1')
    return end === -1 ? undefined : { text: buf.toString('latin1', from, end), next: end + 2 }
  }
  const head = line(at)
  if (head === undefined) return undefined
  if (head.text[0] !== '*') throw new Error(`unexpected Redis reply ${head.text}`)
  const count = Number(head.text.slice(1))
  let pos = head.next
  let first: string | null = null
  for (let i = 0; i < count; i++) {
    const bulk = line(pos)
    if (bulk === undefined) return undefined
    const length = Number(bulk.text.slice(1))
    if (length < 0) {
      pos = bulk.next
      continue
    }
    if (bulk.next + length + 2 > buf.length) return undefined
    if (i === 0) first = buf.toString('utf8', bulk.next, bulk.next + length)
    pos = bulk.next + length + 2
  }
  return { first, next: pos }
}

/**
 * The same read as `openFloorRedisRead` (one HMGET of the same session-shaped hash, the
 * reads of one event-loop turn sent in one write at `setImmediate`, `rec` parsed as JSON)
 * through a bare `node:net` socket and the few lines of RESP above instead of ioredis: a
 * probe of what Node's own I/O costs per read, so that the `hono-raw-redis-floor` reference
 * says how much of the floor is the driver. Not a client: no reconnection, no errors
 * surfaced per command, nothing but HMGET. The hash is written and deleted with ioredis
 * (`writeFloorHash`).
 *
 * @example
 * ```ts
 * const floor = await openRawRedisRead('hono-raw-redis-floor')
 * const user = await floor.read() // 'bench'
 * ```
 */
export async function openRawRedisRead(target: string): Promise<FloorRead> {
  const hash = await writeFloorHash(target)
  const command = encode(['HMGET', hash.key, ...hash.fields])

  const socket: Socket = connect({ host: redisHost, port: redisPort, noDelay: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject)
  })
  const waiting: ((rec: string | null) => void)[] = []
  let head = 0
  let pending = ''
  let scheduled = false
  let rest: Buffer = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => {
    const buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk])
    let at = 0
    for (;;) {
      const reply = parseHmget(buf, at)
      if (reply === undefined) break
      at = reply.next
      const resolve = waiting[head++]
      resolve?.(reply.first)
    }
    rest = buf.subarray(at)
    if (head === waiting.length) {
      waiting.length = 0
      head = 0
    }
  })
  const flush = (): void => {
    scheduled = false
    socket.write(pending)
    pending = ''
  }

  return {
    async read() {
      pending += command
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
      return hash.user(await new Promise<string | null>((resolve) => waiting.push(resolve)))
    },
    async close() {
      socket.destroy()
      await hash.remove()
    },
  }
}
