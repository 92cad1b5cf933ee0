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

  it('refuses a declared Content-Length over the limit without reading a byte', async () => {
    const { body, pulled } = counted(1, 10)
    const headers = new Headers({ 'content-length': String(300 * 1024 * 1024) })
    expect((await readBoundedBody({ headers, body }, 64 * 1024)).tooLarge).toBe(true)
    expect(pulled()).toBe(0)
  })

  it('returns every byte of a body within the limit, whatever its chunking (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 300 }),
        async (chunks, limit) => {
          const total = chunks.reduce((n, c) => n + c.length, 0)
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              for (const c of chunks) controller.enqueue(c)
              controller.close()
            },
          })
          const result = await readBoundedBody({ headers: new Headers(), body }, limit)
          expect(result.tooLarge).toBe(total > limit)
          if (!result.tooLarge) expect([...result.bytes]).toEqual(chunks.flatMap((c) => [...c]))
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
