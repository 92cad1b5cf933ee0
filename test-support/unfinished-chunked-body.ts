import { connect } from 'node:net'
import { parseRawResponse } from '@tessera/testing'

/**
 * Sends `request`'s method, URL and headers to `127.0.0.1:port` with a chunked body of
 * `chunk` repeated forever and no `Content-Length`: the body never ends, so a server
 * that waits for it (or buffers it whole) never answers, and one that answers has
 * decided on what it read so far. Each chunk is written once the socket has taken the
 * previous one; the answer is read until the server closes the connection (a server
 * that kept it open would have to read the rest first).
 *
 * @example
 * ```ts
 * const response = await sendUnfinishedChunkedBody(new Request('http://app.test/form', {
 *   method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
 * }), port, `x=${'a'.repeat(16 * 1024)}`)
 * expect(response.status).toBe(413)
 * ```
 */
export function sendUnfinishedChunkedBody(
  request: Request,
  port: number,
  chunk: string,
): Promise<Response> {
  const url = new URL(request.url)
  let head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`
  for (const [name, value] of request.headers) {
    if (name !== 'content-length' && name !== 'transfer-encoding') head += `${name}: ${value}\r\n`
  }
  head += 'transfer-encoding: chunked\r\n\r\n'
  const frame = Buffer.from(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`, 'latin1')
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const received: Buffer[] = []
    let answered = false
    let closed = false
    const pump = () => {
      // Keep the body flowing until the server answers or hangs up; never the last chunk.
      while (!answered && !closed && socket.write(frame)) {}
    }
    socket.on('connect', () => {
      socket.write(head)
      pump()
    })
    socket.on('drain', pump)
    socket.on('data', (data: Buffer) => {
      answered = true
      received.push(data)
    })
    // A server that closes while the client still writes may reset the socket: the
    // answer already read is what counts.
    socket.on('error', (error) => {
      if (!answered) reject(error)
    })
    socket.on('close', () => {
      closed = true
      if (!answered) return reject(new Error('the server closed the connection without an answer'))
      try {
        resolve(parseRawResponse(Buffer.concat(received), request.method))
      } catch (error) {
        reject(error)
      }
    })
  })
}
