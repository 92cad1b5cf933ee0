/**
 * What {@link readBoundedBody} reads: a Web `Request`, or any body with its headers. The
 * body is a Web stream, or, on Node's own server, the request itself (an
 * `IncomingMessage`, read through its events: no Web stream built around it).
 */
export interface BodySource {
  readonly headers: Headers
  readonly body: ReadableStream<Uint8Array> | NodeReadableBody | null
}

/**
 * The part of a Node `Readable` (an `IncomingMessage`) that {@link readBoundedBody} uses:
 * its `data`, `end`, `error` and `close` events, `pause` and `resume`, and whether it is
 * already spent.
 * Structural, so the core imports nothing from Node.
 */
export interface NodeReadableBody {
  on(event: string, listener: (...args: never[]) => void): unknown
  removeListener(event: string, listener: (...args: never[]) => void): unknown
  pause(): unknown
  resume(): unknown
  readonly readableEnded: boolean
  readonly destroyed: boolean
}

/** The body read whole (`tooLarge: false`), or the news that it exceeds the limit. */
export type BoundedBody =
  | { readonly tooLarge: false; readonly bytes: Uint8Array<ArrayBuffer> }
  | { readonly tooLarge: true }

/**
 * The default limit of bodies Tessera reads itself (the CSRF form field, the demo's
 * JSON): 64 KiB, far above any login or form post, far below what would let one request
 * hold a worker's memory.
 */
export const DEFAULT_BODY_LIMIT = 64 * 1024

/**
 * Reads a request body up to `limit` bytes, Web-standard (any runtime). A declared
 * `Content-Length` above the limit answers `tooLarge` before a single byte is read;
 * otherwise chunks are pulled one at a time and the read stops at the first chunk that
 * crosses the limit, so a client cannot make the server buffer more than
 * `limit` + one chunk, whatever it declares or streams (chunked bodies have no length).
 * The rest is never pulled; the stream is released, not cancelled, because cancelling a
 * Node request stream would destroy the socket the `413` answer must travel on.
 *
 * A Node readable is read through its `data` events the same way: at the chunk that crosses
 * the limit it is paused and let go (Node's server drains what is left once the answer
 * has gone). One already ended or destroyed reads as empty.
 *
 * Never throws on client input: a body that errors mid-stream is read as what arrived.
 *
 * @example
 * ```ts
 * const body = await readBoundedBody(request.clone(), DEFAULT_BODY_LIMIT)
 * if (body.tooLarge) return bodyTooLargeResponse()
 * const text = new TextDecoder().decode(body.bytes)
 * ```
 */
export async function readBoundedBody(source: BodySource, limit: number): Promise<BoundedBody> {
  if (declaredTooLarge(source.headers.get('content-length'), limit)) return { tooLarge: true }
  const body = source.body
  if (body === null) return { tooLarge: false, bytes: new Uint8Array(0) }
  if (!('getReader' in body)) return readNodeBody(body, limit)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > limit) return { tooLarge: true }
      chunks.push(value)
    }
  } catch {
    // A client that aborts mid-body: what arrived is all there is.
  } finally {
    try {
      reader.releaseLock()
    } catch {}
  }
  return { tooLarge: false, bytes: concat(chunks, size) }
}

/** {@link readBoundedBody} over a Node readable's events. */
function readNodeBody(body: NodeReadableBody, limit: number): Promise<BoundedBody> {
  if (body.readableEnded || body.destroyed) {
    return Promise.resolve({ tooLarge: false, bytes: new Uint8Array(0) })
  }
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = []
    let size = 0
    const settle = (result: BoundedBody): void => {
      body.removeListener('data', onData)
      body.removeListener('end', onEnd)
      body.removeListener('error', onEnd)
      body.removeListener('close', onEnd)
      resolve(result)
    }
    const onData = (chunk: Uint8Array | string): void => {
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
      size += bytes.byteLength
      if (size > limit) {
        body.pause()
        settle({ tooLarge: true })
      } else chunks.push(bytes)
    }
    // The end, an error or an early close (a client that aborts): what arrived is all there is.
    const onEnd = (): void => settle({ tooLarge: false, bytes: concat(chunks, size) })
    body.on('data', onData)
    body.on('end', onEnd)
    body.on('error', onEnd)
    body.on('close', onEnd)
    // A `data` listener does not restart a stream that something paused before.
    body.resume()
  })
}

const encoder = new TextEncoder()

/** `chunks` (of `size` bytes in all) as one array. */
function concat(chunks: readonly Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return bytes
}

/**
 * Whether a `Content-Length` value declares more than `limit` bytes, so a body can be
 * refused before a byte of it is read. RFC 9110 §8.6: one or more digits; anything else
 * is no declaration (the count as it streams decides). Never throws.
 *
 * @example
 * ```ts
 * if (declaredTooLarge(request.headers.get('content-length'), 65536)) return bodyTooLargeResponse()
 * ```
 */
export function declaredTooLarge(value: string | null | undefined, limit: number): boolean {
  return typeof value === 'string' && /^\s*\d+\s*$/.test(value) && Number(value) > limit
}
