import { connect } from 'node:net'
import { parseRawResponse } from './parse-raw-response.js'

/**
 * Sends one HTTP/1.1 `GET` over a new socket to the server at `origin`, written byte for
 * byte as given: the request target and the `Host` header exactly as a hostile client
 * writes them, which neither `fetch` nor a Web `Request` lets through (both parse and
 * rebuild the URL). `Connection: close` is added; the answer is read to the end and
 * parsed by {@link parseRawResponse} (rejects when the server sent no complete head).
 */
export function rawRequest(
  origin: string,
  target: string,
  host: string,
  headers: readonly string[] = [],
): Promise<Response> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      try {
        resolve(parseRawResponse(Buffer.concat(chunks), 'GET'))
      } catch (error) {
        reject(error)
      }
    })
    const lines = [`GET ${target} HTTP/1.1`, `Host: ${host}`, ...headers, 'Connection: close']
    socket.end(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
  })
}
