import { connect } from 'node:net'

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
      const raw = Buffer.concat(received)
      const split = raw.indexOf('\r\n\r\n')
      if (split === -1) return reject(new Error('incomplete HTTP response'))
      const [statusLine = '', ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n')
      const headers = new Headers()
      for (const line of lines) {
        const i = line.indexOf(':')
        headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim())
      }
      let body = raw.subarray(split + 4)
      if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
        const parts: Buffer[] = []
        for (let at = 0; ; ) {
          const eol = body.indexOf('\r\n', at)
          const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16)
          if (!size) break
          parts.push(body.subarray(eol + 2, eol + 2 + size))
          at = eol + 2 + size + 2
        }
        body = Buffer.concat(parts)
        headers.delete('transfer-encoding')
      }
      const status = Number(statusLine.split(' ')[1])
      resolve(new Response(new Uint8Array(body), { status, headers }))
    })
  })
}
