import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@tessera/core'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { rawHttpFetch } from '../../../test-support/raw-http.js'
import { DEFAULT_ALLOWED_HOSTS, loadConfig } from '../src/config.js'
import { Client } from './client.js'
import { ADAPTERS, demo } from './fixture.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-demo-hosts-'))
  dirs.push(dir)
  return dir
}

let configDir: string | undefined
/** `loadConfig` over one throwaway data directory and a fixed secret. */
function config(env: Record<string, string>) {
  configDir ??= dataDir()
  return loadConfig({ DATA_DIR: configDir, TESSERA_SECRET: 'x'.repeat(32), ...env })
}

/** 400 DISALLOWED_HOST as every adapter answers it: JSON, nosniff, no cookie. */
async function expectDisallowed(res: Response): Promise<void> {
  expect(res.status).toBe(400)
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.getSetCookie()).toEqual([])
  expect(await res.json()).toEqual({ detail: 'Invalid Host header.', code: 'DISALLOWED_HOST' })
}

describe.each(ADAPTERS)('ALLOWED_HOSTS through the demo API on %s', (adapter) => {
  it('a spoofed Host with a matching Origin is 400 before CSRF, and the session survives', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    expect((await browser.login('admin', 'admin')).status).toBe(200)
    // The victim's cookies and CSRF token, sent to a Host the app does not serve with
    // an Origin that matches it: the Origin check compares against the request's own
    // origin, built from Host, so without ALLOWED_HOSTS this logout went through.
    const spoofed = new Client(app, 'http://evil.example')
    for (const [name, value] of browser.jar) spoofed.jar.set(name, value)
    await expectDisallowed(await spoofed.request('/api/logout/', { method: 'POST' }))
    await expectDisallowed(await spoofed.request('/api/csrf/'))
    expect((await browser.request('/api/hello/')).status).toBe(200)
  })

  it('answers the default list (localhost, 127.0.0.1, [::1] on any port) and demo.test', async () => {
    const { app } = await demo(adapter)
    for (const origin of [
      'http://localhost',
      'http://127.0.0.1:3000',
      'http://[::1]:8080',
      'http://LOCALHOST:1',
      'http://demo.test',
    ]) {
      const res = await app.request(`${origin}/api/csrf/`)
      expect(res.status, origin).toBe(200)
    }
    for (const origin of ['http://127.0.0.2', 'http://localhost.evil.example', 'http://[::2]']) {
      await expectDisallowed(await app.request(`${origin}/api/csrf/`))
    }
  })
})

describe('ALLOWED_HOSTS in loadConfig', () => {
  it('defaults to localhost, 127.0.0.1 and [::1]', () => {
    expect(DEFAULT_ALLOWED_HOSTS).toEqual(['localhost', '127.0.0.1', '[::1]'])
    expect(config({}).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]'])
    expect(config({ ALLOWED_HOSTS: ' , ' }).allowedHosts).toEqual(DEFAULT_ALLOWED_HOSTS)
  })

  it('reads a comma-separated list that replaces the default', () => {
    expect(
      config({ ALLOWED_HOSTS: ' app.example.com, api.example.com:8443 ,[::1]' }).allowedHosts,
    ).toEqual(['app.example.com', 'api.example.com:8443', '[::1]'])
  })

  it('always adds the hosts of SHARED_SITES, with their port when they name one', () => {
    const env = { SHARED_SITES: 'https://a.example.com,http://b.example:4000,http://localhost' }
    expect(config(env).allowedHosts).toEqual([
      ...DEFAULT_ALLOWED_HOSTS,
      'a.example.com',
      'b.example:4000',
    ])
    expect(config({ ...env, ALLOWED_HOSTS: 'a.example.com' }).allowedHosts).toEqual([
      'a.example.com',
      'b.example:4000',
      'localhost',
    ])
  })

  it.each([
    ['*', '"*"'],
    ['.example.com', '".example.com"'],
    ['https://app.example.com', '"https://app.example.com"'],
    ['app.example.com/path', '"app.example.com/path"'],
    ['app.example.com:99999', '"app.example.com:99999"'],
  ])('refuses %s with an exact message', (entry, shown) => {
    const load = () => config({ ALLOWED_HOSTS: `localhost,${entry}` })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(
      `ALLOWED_HOSTS entries must be exact hosts like "example.com", "example.com:8443" or "[::1]" (no scheme, path or wildcard), got ${shown}`,
    )
  })

  it('never throws anything but ConfigError, whatever the value (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (hosts, sites) => {
        try {
          const { allowedHosts } = config({ ALLOWED_HOSTS: hosts, SHARED_SITES: sites })
          expect(allowedHosts.length).toBeGreaterThan(0)
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError)
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('ALLOWED_HOSTS in the running demo', () => {
  it('answers only its hosts on the SPA, the shared-session endpoints, the JWKS and the API', async () => {
    const demo: DemoProcess = await startDemoProcess(
      {
        DATA_DIR: dataDir(),
        DEMO_ADAPTER: 'fastify',
        SESSION_FORMAT: 'jwt',
        ALLOWED_HOSTS: 'app.example',
        SHARED_SITES: 'http://app.example,http://b.example:4000',
      },
      120_000,
    )
    try {
      expect(demo.output()).toContain('Allowed hosts: app.example, b.example:4000')
      const port = Number(new URL(demo.url).port)
      const send = (url: string, init?: RequestInit) => rawHttpFetch(new Request(url, init), port)
      for (const base of ['http://app.example', 'http://b.example:4000']) {
        expect((await send(`${base}/api/csrf/`)).status, base).toBe(200)
        expect((await send(`${base}/.well-known/jwks.json`)).status, base).toBe(200)
      }
      // The default list is replaced, and b.example is allowed on its port only.
      for (const base of [
        'http://evil.example',
        'http://b.example:4001',
        'http://localhost',
        demo.url,
      ]) {
        for (const path of ['/', '/embed/', '/shared-session/loader.json', '/api/csrf/']) {
          await expectDisallowed(await send(`${base}${path}`))
        }
        await expectDisallowed(await send(`${base}/.well-known/jwks.json`))
        await expectDisallowed(
          await send(`${base}/api/login/`, {
            method: 'POST',
            headers: { origin: base, 'content-type': 'application/json' },
            body: '{"username":"admin","password":"admin"}',
          }),
        )
      }
      expect(demo.stderr()).not.toMatch(/unhandled|uncaught/i)
    } finally {
      await demo.stop()
    }
  }, 180_000)

  it('refuses a bad ALLOWED_HOSTS at startup with an exact message', async () => {
    await expect(
      startDemoProcess({ DATA_DIR: dataDir(), ALLOWED_HOSTS: 'localhost,*.example.com' }, 60_000),
    ).rejects.toThrow(
      'ALLOWED_HOSTS entries must be exact hosts like "example.com", "example.com:8443" or "[::1]" (no scheme, path or wildcard), got "*.example.com"',
    )
  }, 60_000)
})
