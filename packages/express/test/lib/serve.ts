import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AdapterApp } from '@tessera/testing'
import expressModule from 'express'
import type { Express, RequestHandler } from 'express-serve-static-core'
import { rawHttpFetch } from '../../../../test-support/raw-http.js'

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
 * sends a `Request` over the wire to the server of its scheme with `rawHttpFetch`,
 * keeping its `Host` (the app's own origin for CSRF) and never following redirects.
 */
export async function serve(app: Express): Promise<AdapterApp> {
  tls ??= selfSigned()
  // Large and odd headers must reach the app: the suite tests the adapter, not Node's limits.
  const limits = { maxHeaderSize: 256 * 1024, insecureHTTPParser: true }
  const plain = http.createServer(limits, app)
  const secure = https.createServer({ ...tls, ...limits }, app)
  const ports = { 'http:': await listen(plain), 'https:': await listen(secure) }
  const fetch = (request: Request): Promise<Response> =>
    rawHttpFetch(request, ports[new URL(request.url).protocol === 'https:' ? 'https:' : 'http:'])
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
