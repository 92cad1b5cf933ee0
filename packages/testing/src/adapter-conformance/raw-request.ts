import { connect } from 'node:net'

/** What {@link rawRequest} read back: the status code and the body as text. */
export interface RawAnswer {
  readonly status: number
  readonly body: string
}

/**
 * Sends one HTTP/1.1 request over a new socket to the server at `origin`, written byte
 * for byte as given: the request target and the `Host` header exactly as a hostile client
 * writes them, which neither `fetch` nor a Web `Request` lets through (both parse and
 * rebuild the URL). `Connection: close` is added; the answer is read to the end.
 * `status` is `0` when the server closed the socket without an answer.
 */
export function rawRequest(
  origin: string,
  target: string,
  host: string,
  headers: readonly string[] = [],
): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      resolve({
        status: status ? Number(status[1]) : 0,
        body: split === -1 ? '' : text.slice(split + 4),
      })
    })
    const lines = [`GET ${target} HTTP/1.1`, `Host: ${host}`, ...headers, 'Connection: close']
    socket.end(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
  })
}
