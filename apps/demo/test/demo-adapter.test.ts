import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { Client } from './client.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** The demo as `npm start` runs it, with `DEMO_ADAPTER` set. */
async function start(adapter: string): Promise<DemoProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), `tessera-demo-${adapter}-`))
  dirs.push(dataDir)
  return startDemoProcess({ DATA_DIR: dataDir, DEMO_ADAPTER: adapter }, 120_000)
}

describe.each(['express', 'fastify', 'web'])('DEMO_ADAPTER=%s', (adapter) => {
  it('serves the API on that adapter and the SPA beside it, on one session', async () => {
    const demo = await start(adapter)
    try {
      expect(demo.output()).toContain(`API adapter: ${adapter}`)
      const browser = new Client({ request: (input, init) => fetch(input, init) }, demo.url)
      const login = await browser.login('admin', 'admin')
      expect(login.status).toBe(200)
      expect(login.headers.get('x-powered-by'), 'no framework banner').toBeNull()
      expect(await (await browser.request('/api/hello/')).json()).toEqual({
        message: 'Hello admin',
      })
      // The SPA (served by Hono) sees the session the API (on the adapter) logged in.
      const shell = await (await browser.request('/')).text()
      expect(shell).toMatch(/<div id="app">/)
      expect(shell, 'a cookie page carries no header token').not.toContain('data-session-token')
      const embed = await (await browser.request('/embed/')).text()
      const token = /<html[^>]*\sdata-session-token="([A-Za-z0-9_.-]+)"/.exec(embed)?.[1]
      expect(token).toBeDefined()
      const viaToken = await fetch(`${demo.url}/api/hello/`, {
        headers: { 'x-session-token': token as string },
      })
      expect(await viaToken.json()).toEqual({ message: 'Hello admin' })
      const missing = await fetch(`${demo.url}/api/nope/`)
      expect(missing.status).toBe(404)
      expect(missing.headers.get('x-powered-by')).toBeNull()
      expect(await missing.json()).toEqual({ detail: 'Not found' })
      expect(demo.stderr()).not.toMatch(/unhandled|uncaught/i)
    } finally {
      await demo.stop()
    }
  }, 180_000)
})

it('refuses an unknown DEMO_ADAPTER at startup with an exact message', async () => {
  await expect(start('koa')).rejects.toThrow(
    'DEMO_ADAPTER must be one of hono, express, fastify, web, got "koa"',
  )
}, 60_000)
