import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { Client } from './client.js'

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-shared-'))
let demo: DemoProcess
let siteB = ''
let siteA = ''

beforeAll(async () => {
  demo = await startDemoProcess({ DATA_DIR: dataDir })
  siteB = demo.url
  siteA = siteB.replace('127.0.0.1', 'localhost')
}, 60_000)

afterAll(async () => {
  await demo?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

// Over real sockets; each client stays on one origin as a browser tab would.
const overHttp = {
  request: (url: string, init?: RequestInit) => fetch(url, { ...init, redirect: 'manual' }),
}

describe('demo: two sites by host name, one store (django-shared-session)', () => {
  it('says which sites share sessions, following the port', async () => {
    // Printed just after the lines startDemoProcess waits for: it may still be in flight.
    await expect
      .poll(() => demo.output(), { timeout: 20_000 })
      .toContain(`Shared sessions: ${siteA}, ${siteB} (auto)`)
  })

  it('lets pages load the other site’s loader scripts (CSP script-src) and nothing else from it', async () => {
    const page = await fetch(`${siteB}/`)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain(`script-src 'self' ${siteA}`)
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
  })

  it('renders the loader into the shell of a logged-in page only', async () => {
    const client = new Client(overHttp, siteB)
    const anonymousPage = await client.request('/')
    expect(await anonymousPage.text()).not.toContain('/shared-session/')
    expect(anonymousPage.headers.get('cache-control')).toBe('no-cache')
    expect((await client.login('admin', 'admin')).status).toBe(200)
    const page = await client.request('/')
    // The loader's codes are bearer credentials until redeemed: no cache may keep them.
    expect(page.headers.get('cache-control')).toBe('no-store')
    const html = await page.text()
    const src = /<script async src="([^"]+)" referrerpolicy="origin"><\/script><\/head>/.exec(
      html,
    )?.[1]
    expect(src).toMatch(
      new RegExp(`^${siteA.replace(/\./g, '\\.')}/shared-session/[A-Za-z0-9_-]+\\.js$`),
    )
    const loaderAnswer = await client.request('/shared-session/loader.json')
    expect(loaderAnswer.headers.get('cache-control')).toBe('no-store')
    const loader = (await loaderAnswer.json()) as {
      scripts: string[]
    }
    expect(loader.scripts).toHaveLength(1)
    expect(loader.scripts[0]?.startsWith(`${siteA}/shared-session/`)).toBe(true)
  })

  it('a first page load of a site without a session hops to the other site (browsers only)', async () => {
    const hop = await fetch(`${siteB}/`, {
      redirect: 'manual',
      headers: { 'sec-fetch-dest': 'document' },
    })
    expect(hop.status).toBe(303)
    expect(hop.headers.get('location')).toMatch(
      new RegExp(`^${siteA.replace(/\./g, '\\.')}/shared-session/authorize\\?`),
    )
    expect((await fetch(`${siteB}/`, { redirect: 'manual' })).status).toBe(200)
    // The cookieless embedding entry point never hops: a webview without cookies cannot carry it.
    const embed = await fetch(`${siteB}/embed/`, {
      redirect: 'manual',
      headers: { 'sec-fetch-dest': 'document' },
    })
    expect(embed.status).toBe(200)
  })
})
