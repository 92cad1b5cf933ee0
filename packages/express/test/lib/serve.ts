import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { type AddressInfo, connect as netConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import type { AdapterApp } from '@tessera/core/testing'
import expressModule from 'express'
import type { Express, RequestHandler } from 'express-serve-static-core'

// bench/types/express.d.ts declares a minimal ambient 'express' for the bench, and an
// ambient module wins over @types/express in the root tsconfig: take the real types here.
export const express = expressModule as unknown as {
  (): Express
  json(options?: { strict?: boolean }): RequestHandler
  urlencoded(options: { extended: boolean }): RequestHandler
}

/** A throwaway self-signed certificate for 127.0.0.1, so HTTPS cases use real TLS. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-express-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ].concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
      { stdio: 'ignore' },
    )
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

let tls: { key: Buffer; cert: Buffer } | undefined

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  )
}

/**
 * Serves `app` on real sockets, HTTP and HTTPS, at free ports of 127.0.0.1. `fetch`
 * sends a `Request` over the wire to the server of its scheme, keeping its `Host` (the
 * app's own origin for CSRF) and never following redirects. It does not use the global
 * fetch, which drops a custom `Host` and cannot trust a test certificate.
 */
export async function serve(app: Express): Promise<AdapterApp> {
  tls ??= selfSigned()
  // Large and odd headers must reach the app: the suite tests the adapter, not Node's limits.
  const limits = { maxHeaderSize: 256 * 1024, insecureHTTPParser: true }
  const plain = http.createServer(limits, app)
  const secure = https.createServer({ ...tls, ...limits }, app)
  const ports = { 'http:': await listen(plain), 'https:': await listen(secure) }
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : Buffer.alloc(0)
    // Written by hand, not through http.request: the suite sends header bytes (control
    // characters) that Node's client refuses to send but a server can receive.
    let head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`
    for (const [name, value] of request.headers) head += `${name}: ${value}\r\n`
    head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`
    const port = ports[url.protocol === 'https:' ? 'https:' : 'http:']
    const socket =
      url.protocol === 'https:'
        ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
        : netConnect({ host: '127.0.0.1', port })
    // Not end(): a half-closed socket makes Node abort the request still in progress.
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]))
    const chunks: Buffer[] = []
    for await (const chunk of socket) chunks.push(chunk as Buffer)
    return parseResponse(Buffer.concat(chunks), request.method)
  }
  const close = (server: http.Server) =>
    new Promise<void>((done) => {
      server.close(() => done())
      server.closeAllConnections()
    })
  return {
    fetch,
    url: `http://127.0.0.1:${ports['http:']}`,
    close: async () => {
      await Promise.all([close(plain), close(secure)])
    },
  }
}

/** An HTTP/1.1 response read to the end of a closed connection. */
function parseResponse(raw: Buffer, method: string): Response {
  const split = raw.indexOf('\r\n\r\n')
  if (split === -1) throw new Error('incomplete HTTP response')
  const [statusLine = '', ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n')
  const status = Number(statusLine.split(' ')[1])
  const headers = new Headers()
  for (const line of lines) {
    const i = line.indexOf(':')
    headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim())
  }
  let body = raw.subarray(split + 4)
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = []
    let at = 0
    for (;;) {
      const eol = body.indexOf('\r\n', at)
      const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16)
      if (!size) break
      parts.push(body.subarray(eol + 2, eol + 2 + size))
      at = eol + 2 + size + 2
    }
    body = Buffer.concat(parts)
    headers.delete('transfer-encoding')
  }
  const empty = [204, 304].includes(status) || method === 'HEAD'
  return new Response(empty ? null : new Uint8Array(body), { status, headers })
}
