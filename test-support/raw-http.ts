import { connect as netConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { parseRawResponse } from '@tessera/testing'

/**
 * Sends a Web `Request` over a real socket to `127.0.0.1:port` (TLS when the URL is
 * `https:`, any certificate accepted) and reads the answer to the end of the connection,
 * redirects not followed. The request's URL host goes out as `Host`, so an app sees its
 * own origin (what CSRF checks compare against) while listening on an ephemeral port.
 *
 * Written by hand, not through `http.request` or the global fetch: those drop a custom
 * `Host`, cannot trust a test certificate, and refuse header bytes (control characters)
 * that a server can receive and the adapter suite sends.
 *
 * @example
 * ```ts
 * const res = await rawHttpFetch(new Request('http://demo.test/api/me/'), port)
 * ```
 */
export async function rawHttpFetch(request: Request, port: number): Promise<Response> {
  const url = new URL(request.url)
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : Buffer.alloc(0)
  let head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`
  for (const [name, value] of request.headers) {
    if (name !== 'content-length') head += `${name}: ${value}\r\n`
  }
  // A declared Content-Length goes out as declared (a body-limit test claims more than it
  // sends); otherwise the real one.
  const length = request.headers.get('content-length') ?? String(body.length)
  head += `content-length: ${length}\r\nconnection: close\r\n\r\n`
  const socket =
    url.protocol === 'https:'
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : netConnect({ host: '127.0.0.1', port })
  // Not end(): a half-closed socket makes Node abort the request still in progress.
  socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]))
  const chunks: Buffer[] = []
  for await (const chunk of socket) chunks.push(chunk as Buffer)
  return parseRawResponse(Buffer.concat(chunks), request.method)
}
