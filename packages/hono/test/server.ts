import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Env, Hono } from 'hono'

/** Serves a Hono app on a real loopback port; returns its base URL and a closer. */
export async function listen<E extends Env>(
  app: Hono<E>,
): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, hostname: '127.0.0.1', port: 0 },
      (info: AddressInfo) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        })
      },
    )
  })
}
