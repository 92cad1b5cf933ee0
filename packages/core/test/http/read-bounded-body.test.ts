import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { readBoundedBody } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

/** A body of `chunks` chunks of `size` bytes that counts how many chunks were pulled. */
function counted(
  chunks: number,
  size: number,
): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled === chunks) return controller.close()
        pulled++
        controller.enqueue(new Uint8Array(size).fill(97))
      },
    },
    { highWaterMark: 0 },
  )
  return { body, pulled: () => pulled }
}

describe('readBoundedBody', () => {
  it('stops at the chunk that crosses the limit and never pulls the rest', async () => {
    const { body, pulled } = counted(10_000, 16 * 1024)
    const result = await readBoundedBody({ headers: new Headers(), body }, 64 * 1024)
    expect(result.tooLarge).toBe(true)
    expect(pulled()).toBe(5)
  })

  it('refuses a declared Content-Length over the limit without reading a byte (Web and Node)', async () => {
    const headers = new Headers({ 'content-length': String(300 * 1024 * 1024) })
    const web = counted(1, 10)
    expect((await readBoundedBody({ headers, body: web.body }, 64 * 1024)).tooLarge).toBe(true)
    expect(web.pulled()).toBe(0)
    const node = countedNode(1, 10)
    expect((await readBoundedBody({ headers, body: node.body }, 64 * 1024)).tooLarge).toBe(true)
    expect(node.pulled()).toBe(0)
    expect(node.body.listenerCount('data')).toBe(0)
  })

  it('returns every byte of a body within the limit, whatever its chunking, Web stream or Node readable (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 300 }),
        async (chunks, limit) => {
          const total = chunks.reduce((n, c) => n + c.length, 0)
          const web = new ReadableStream<Uint8Array>({
            start(controller) {
              for (const c of chunks) controller.enqueue(c)
              controller.close()
            },
          })
          const node = Readable.from(chunks.map((c) => Buffer.from(c)))
          for (const body of [web, node]) {
            const result = await readBoundedBody({ headers: new Headers(), body }, limit)
            expect(result.tooLarge).toBe(total > limit)
            if (!result.tooLarge) expect([...result.bytes]).toEqual(chunks.flatMap((c) => [...c]))
          }
        },
      ),
    )
  })

  it('a body that errors mid-stream is what arrived, not an exception', async () => {
    let sent = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error('ECONNRESET'))
        sent = true
        controller.enqueue(new Uint8Array([1, 2]))
      },
    })
    const result = await readBoundedBody({ headers: new Headers(), body }, 10)
    expect(result).toEqual({ tooLarge: false, bytes: new Uint8Array([1, 2]) })
  })
})

/** A Node readable of `chunks` chunks of `size` bytes that counts how many were pulled. */
function countedNode(chunks: number, size: number): { body: Readable; pulled: () => number } {
  let pulled = 0
  const body = new Readable({
    highWaterMark: 0,
    read() {
      if (pulled === chunks) return void this.push(null)
      pulled++
      this.push(Buffer.alloc(size, 97))
    },
  })
  return { body, pulled: () => pulled }
}

describe('readBoundedBody over a Node readable (an IncomingMessage, no Web stream)', () => {
  it('stops at the chunk that crosses the limit, pauses the stream and leaves it whole', async () => {
    const { body, pulled } = countedNode(10_000, 16 * 1024)
    const result = await readBoundedBody({ headers: new Headers(), body }, 64 * 1024)
    expect(result.tooLarge).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(body.isPaused()).toBe(true)
    expect(body.destroyed).toBe(false)
    expect(body.listenerCount('data')).toBe(0)
    expect(pulled()).toBeLessThan(10)
  })

  it('a stream that errors mid-body is what arrived, not an exception', async () => {
    let sent = false
    const body = new Readable({
      read() {
        if (sent) return void this.destroy(new Error('ECONNRESET'))
        sent = true
        this.push(Buffer.from([1, 2]))
      },
    })
    const result = await readBoundedBody({ headers: new Headers(), body }, 10)
    expect(result).toEqual({ tooLarge: false, bytes: new Uint8Array([1, 2]) })
  })

  it('reads a stream that something paused before', async () => {
    const body = Readable.from([Buffer.from('a=1'), Buffer.from('&b=2')])
    body.pause()
    const result = await readBoundedBody({ headers: new Headers(), body }, 100)
    expect(result.tooLarge).toBe(false)
    if (!result.tooLarge) expect(new TextDecoder().decode(result.bytes)).toBe('a=1&b=2')
  })

  it('a stream already ended or destroyed reads as empty instead of waiting forever', async () => {
    const ended = Readable.from([Buffer.from('x')])
    ended.resume()
    await new Promise((resolve) => ended.on('end', resolve))
    expect(await readBoundedBody({ headers: new Headers(), body: ended }, 10)).toEqual({
      tooLarge: false,
      bytes: new Uint8Array(0),
    })
    const destroyed = Readable.from([Buffer.from('x')])
    destroyed.destroy()
    expect(await readBoundedBody({ headers: new Headers(), body: destroyed }, 10)).toEqual({
      tooLarge: false,
      bytes: new Uint8Array(0),
    })
  })

  it("a client that aborts mid-body on Node's server: what arrived, no hang, no crash", async () => {
    const read = new Promise<Awaited<ReturnType<typeof readBoundedBody>>>((resolve) => {
      const server = createServer((req: IncomingMessage) => {
        readBoundedBody({ headers: new Headers(), body: req }, 1024).then((result) => {
          server.close()
          resolve(result)
        })
        req.once('data', () => client.destroy())
      })
      let client: ReturnType<typeof httpRequest>
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo
        client = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/' })
        client.on('error', () => {})
        client.write('abc')
      })
    })
    const result = await read
    expect(result.tooLarge).toBe(false)
    if (!result.tooLarge) expect(new TextDecoder().decode(result.bytes)).toBe('abc')
  })
})
