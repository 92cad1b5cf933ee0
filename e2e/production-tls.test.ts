import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { BrowserContext, Frame, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteRedisKeys } from '../test-support/delete-redis-keys.js'
import { type DemoProcess, startDemoProcess } from '../test-support/demo-process.js'
import { probePostgres } from '../test-support/postgres-probe.js'
import { freePort } from '../test-support/private-redis.js'
import { pingRedis } from '../test-support/redis-ping.js'
import { isExecutableFile, onPath, serviceGate } from '../test-support/require-service.js'
import { chromiumGate, screenshot } from './support/browser.js'
import { type ChromiumProfile, launchChromiumProfile } from './support/chromium-profile.js'
import { type EvilServer, startEvilServer } from './support/evil-server.js'
import {
  type NginxProxy,
  nginxPath,
  renderNginxTemplate,
  startNginx,
  testNginxConfig,
} from './support/nginx-proxy.js'
import { generateTestCertificates, type TestCertificates } from './support/test-certificates.js'

// Production as deploy/ describes it, on loopback: nginx (deploy/nginx/tessera.conf.template)
// terminates TLS and HTTP/2 for two host names — two different sites to a browser — in
// front of two demo processes on Redis in front of PostgreSQL, with TRUST_PROXY=1. A third
// demo without FRAME_ANCESTORS and a static partner site sit behind the same nginx for
// the iframe cases. Chromium resolves the names to 127.0.0.1 and trusts exactly the test
// certificate (its SPKI hash); Node trusts the test CA.

const REDIS_URL = 'redis://127.0.0.1:6379'
const PG_URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SITE_A = 'tessera-a.test'
const SITE_B = 'tessera-b.test'
/** Served by the demo without FRAME_ANCESTORS. */
const SITE_C = 'tessera-c.test'
/** A static page of another site that frames /embed/. */
const PARTNER = 'partner.test'

const { executable, gate: chromium } = chromiumGate()
const nginx = serviceGate(
  'nginx',
  isExecutableFile(nginxPath()),
  `no executable nginx at ${nginxPath()} (apt-get install nginx, or set NGINX_PATH)`,
)
const openssl = serviceGate('openssl', onPath('openssl'), 'no openssl on PATH')
const redisFailure = await pingRedis('127.0.0.1', 6379)
const redis = serviceGate(
  'redis',
  redisFailure === null,
  `no PONG from ${REDIS_URL}: ${redisFailure}`,
)
const pgFailure = await probePostgres(PG_URL)
const postgres = serviceGate(
  'postgresql',
  pgFailure === null,
  `cannot connect to ${PG_URL}: ${pgFailure}`,
)
const skip = chromium.skip || nginx.skip || openssl.skip || redis.skip || postgres.skip

const ALLOW_THIRD_PARTY = { profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }
const BLOCK_THIRD_PARTY = { profile: { cookie_controls_mode: 1, block_third_party_cookies: true } }

describe.skipIf(skip)('production: nginx TLS in front of two demo instances, in Chromium', () => {
  const run = randomBytes(4).toString('hex')
  const tables = {
    SESSION_TABLE: `tessera_tls_s_${run}`,
    RATE_LIMIT_TABLE: `tessera_tls_rl_${run}`,
    USERS_TABLE: `tessera_tls_users_${run}`,
  }
  const redisPrefix = `tessera-test:tls:${run}:`
  let dir = ''
  let certs: TestCertificates
  let port = 0
  let servers = ''
  let proxy: NginxProxy | undefined
  let evil: EvilServer | undefined
  const demos: DemoProcess[] = []
  const profiles: ChromiumProfile[] = []
  const origin = (host: string) => `https://${host}:${port}`

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'))
    certs = generateTestCertificates(dir, [SITE_A, SITE_B, SITE_C, PARTNER])
    port = await freePort()
    const shared = {
      TRUST_PROXY: '1',
      TESSERA_SECRET: `tls-test-secret-${run}-0123456789abcdef`,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      DATABASE_URL: PG_URL,
      ...tables,
    }
    const start = (name: string, env: Record<string, string>) => {
      const dataDir = join(dir, `data-${name}`)
      mkdirSync(dataDir)
      return startDemoProcess(
        { ...shared, ...env, DATA_DIR: dataDir, INSTANCE_NAME: name },
        120_000,
      )
    }
    const sites = {
      ALLOWED_HOSTS: `${SITE_A},${SITE_B}`,
      SHARED_SITES: `${origin(SITE_A)},${origin(SITE_B)}`,
      FRAME_ANCESTORS: origin(PARTNER),
    }
    // Two instances of one deployment (separate processes and DATA_DIRs: only Redis and
    // PostgreSQL are shared), and one without FRAME_ANCESTORS.
    demos.push(
      ...(await Promise.all([
        start('one', sites),
        start('two', sites),
        start('three', { ALLOWED_HOSTS: SITE_C }),
      ])),
    )
    const [one, two, three] = demos.map((d) => new URL(d.url).host) as [string, string, string]

    const partnerDir = join(dir, 'partner')
    mkdirSync(partnerDir)
    const framing = (src: string) =>
      `<!doctype html><title>Partner</title><h1>A partner page</h1><iframe src="${src}" width="800" height="500"></iframe>`
    writeFileSync(join(partnerDir, 'embed.html'), framing(`${origin(SITE_A)}/embed/`))
    writeFileSync(join(partnerDir, 'refused.html'), framing(`${origin(SITE_C)}/embed/`))

    const tls = `ssl_certificate ${certs.chainFile}; ssl_certificate_key ${certs.keyFile};`
    servers = `${renderNginxTemplate({
      PUBLIC_PORT: String(port),
      SERVER_NAMES: `${SITE_A} ${SITE_B}`,
      TLS_CERT: certs.chainFile,
      TLS_KEY: certs.keyFile,
      DEMO_A: one,
      DEMO_B: two,
    })}
    server {
        listen ${port} ssl http2;
        server_name ${SITE_C};
        ${tls}
        location / {
            proxy_pass http://${three};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }
    }
    server {
        listen ${port} ssl http2;
        server_name ${PARTNER};
        ${tls}
        root ${partnerDir};
    }`
    proxy = await startNginx(join(dir, 'nginx'), servers, port)
    // Another loopback address: a site of its own for the cross-site form.
    evil = await startEvilServer(origin(SITE_A), '127.0.0.2')
  }, 240_000)

  afterAll(async () => {
    for (const profile of profiles) await profile.close()
    await evil?.close()
    await proxy?.stop()
    await Promise.all(demos.map((d) => d.stop()))
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
    await deleteRedisKeys(client, redisPrefix).finally(() => client.disconnect())
    const db = new pg.Client({ connectionString: PG_URL })
    await db.connect()
    await db.query(`DROP TABLE IF EXISTS ${Object.values(tables).join(', ')}`)
    await db.end()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  async function browserWith(preferences: Record<string, unknown>): Promise<BrowserContext> {
    const profile = await launchChromiumProfile(executable, preferences, [
      `--host-resolver-rules=${[SITE_A, SITE_B, SITE_C, PARTNER].map((h) => `MAP ${h} 127.0.0.1`).join(',')}`,
      // Trusts this one certificate, not every certificate (Playwright's ignoreHTTPSErrors).
      `--ignore-certificate-errors-spki-list=${certs.spkiHash}`,
    ])
    profiles.push(profile)
    profile.context.setDefaultTimeout(20_000)
    return profile.context
  }

  const text = async (page: Page | Frame, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim()

  async function logIn(page: Page | Frame): Promise<void> {
    await page.getByTestId('username').fill('admin')
    await page.getByTestId('password').fill('admin')
    await page.getByTestId('login').click()
    await expect.poll(() => text(page, 'message'), { timeout: 20_000 }).toBe('Hello admin')
  }

  /** `count` sequential GET /api/hello/ from the page: each one's status and instance. */
  const hellos = (page: Page, count: number) =>
    page.evaluate(async (n) => {
      const seen: string[] = []
      for (let i = 0; i < n; i++) {
        const res = await fetch('/api/hello/', { headers: { Accept: 'application/json' } })
        seen.push(`${res.status} ${res.headers.get('x-instance')}`)
      }
      return seen
    }, count)

  it('nginx -t accepts the deployment template with the test certificates', async () => {
    const printed = await testNginxConfig(join(dir, 'nginx-t'), servers)
    expect(printed).toContain('syntax is ok')
    expect(printed).toContain('test is successful')
  })

  it('logs in through the SPA over HTTPS: a __Host- Secure HttpOnly cookie both instances honour; logout through one ends it on both', async () => {
    const context = await browserWith(ALLOW_THIRD_PARTY)
    const page = await context.newPage()
    const loaded = await page.goto(`${origin(SITE_A)}/`)
    expect(loaded?.status()).toBe(200)
    expect(loaded?.headers()['strict-transport-security']).toBe('max-age=31536000')
    expect(loaded?.headers()['x-frame-options']).toBe('DENY')
    await page.getByTestId('username').waitFor()
    await logIn(page)
    await screenshot(page, 'production-tls-01-logged-in')

    const cookies = await context.cookies(origin(SITE_A))
    const session = cookies.find((c) => c.name === '__Host-sessionid')
    expect(session, cookies.map((c) => c.name).join(', ')).toMatchObject({
      domain: SITE_A,
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
    })
    expect(cookies.find((c) => c.name === '__Host-csrftoken')).toMatchObject({
      secure: true,
      httpOnly: false,
    })
    expect(cookies.map((c) => c.name)).not.toContain('sessionid')
    // A cookie page carries no script-readable header token.
    expect(await page.evaluate(() => document.documentElement.dataset.sessionToken)).toBeUndefined()
    expect(proxy?.accessLog()).toMatch(/"GET \/api\/me\/ HTTP\/2\.0" 200 HTTP\/2\.0/)

    // nginx alternates between the instances; each one answers for the session.
    const seen = await hellos(page, 8)
    expect(new Set(seen)).toEqual(new Set(['200 one', '200 two']))

    await page.getByTestId('logout').click()
    await page.getByTestId('username').waitFor()
    // The cookie the browser held before, sent again: dead on both instances.
    await context.addCookies([{ ...(session as NonNullable<typeof session>), sameSite: 'Lax' }])
    const after = await hellos(page, 8)
    expect(new Set(after)).toEqual(new Set(['401 one', '401 two']))
  }, 120_000)

  it('refuses a cross-site form POST and, over HTTPS, a POST with a missing or foreign Referer', async () => {
    const context = await browserWith(ALLOW_THIRD_PARTY)
    const page = await context.newPage()
    await page.goto(`${origin(SITE_A)}/`)
    await logIn(page)

    const attacker = await context.newPage()
    const attacked = attacker.waitForResponse(
      (r) => r.url() === `${origin(SITE_A)}/api/logout/` && r.request().method() === 'POST',
    )
    await attacker.goto(`${evil?.origin}/form`)
    const refused = await attacked
    expect(refused.status()).toBe(403)
    await screenshot(attacker, 'production-tls-02-cross-site-form-refused')
    expect(await hellos(page, 2)).toEqual(expect.arrayContaining([expect.stringMatching(/^200 /)]))

    // Browsers send Origin on every POST, so the Referer rule meets clients that do not.
    const jar = await context.cookies(origin(SITE_A))
    const cookie = jar.map((c) => `${c.name}=${c.value}`).join('; ')
    const token = jar.find((c) => c.name === '__Host-csrftoken')?.value ?? ''
    const logout = (headers: Record<string, string>) =>
      send('POST', '/api/logout/', { cookie, 'x-csrftoken': token, ...headers })
    for (const [headers, reason] of [
      [{}, 'no Referer'],
      [{ referer: `https://evil.test:${port}/` }, 'does not match any trusted origins'],
      [{ referer: `http://${SITE_A}:${port}/` }, 'Referer is insecure while host is secure'],
    ] as const) {
      const res = await logout(headers)
      expect(res.status, reason).toBe(403)
      expect(JSON.parse(res.body)).toMatchObject({ code: 'CSRF_REFERER' })
      expect(JSON.parse(res.body).detail).toContain(reason)
    }
    expect((await send('GET', '/api/hello/', { cookie })).status, 'still logged in').toBe(200)
    expect((await logout({ referer: `${origin(SITE_A)}/` })).status).toBe(200)
    expect((await send('GET', '/api/hello/', { cookie })).status).toBe(401)
  }, 120_000)

  it('shares the session with the other HTTPS site by the script path, with SameSite=None; Secure cookies', async () => {
    const context = await browserWith(ALLOW_THIRD_PARTY)
    const page = await context.newPage()
    const scripts: number[] = []
    page.on('response', (r) => {
      if (r.url().startsWith(`${origin(SITE_B)}/shared-session/`) && r.url().endsWith('.js'))
        scripts.push(r.status())
    })
    await page.goto(`${origin(SITE_A)}/`)
    await logIn(page)
    // Site B's cookie arrives from the <script> site A's page loaded, before any visit to B.
    await expect
      .poll(async () => (await context.cookies(origin(SITE_B))).map((c) => c.name), {
        timeout: 20_000,
      })
      .toContain('__Host-sessionid')
    // The cookie can be in the jar before Playwright has delivered the script's 'response'
    // event (both come from the same response's headers): wait for the event too.
    await expect.poll(() => scripts, { timeout: 5_000 }).toContain(200)
    const onB = (await context.cookies(origin(SITE_B))).find((c) => c.name === '__Host-sessionid')
    expect(onB).toMatchObject({ domain: SITE_B, secure: true, httpOnly: true, sameSite: 'None' })

    const other = await context.newPage()
    const landed = await other.goto(`${origin(SITE_B)}/`)
    expect(landed?.request().redirectedFrom(), 'no redirect hop').toBeNull()
    await expect.poll(() => text(other, 'message'), { timeout: 20_000 }).toBe('Hello admin')
    await screenshot(other, 'production-tls-03-site-b-by-script')

    // One logout, on B, ends the session on A.
    await other.getByTestId('logout').click()
    await other.getByTestId('username').waitFor()
    await page.reload()
    await page.getByTestId('username').waitFor()
  }, 120_000)

  it('with third-party cookies blocked, the first visit to the other HTTPS site hops to A and back logged in, bound by a __Host- nonce cookie', async () => {
    const context = await browserWith(BLOCK_THIRD_PARTY)
    const page = await context.newPage()
    await page.goto(`${origin(SITE_A)}/`)
    await logIn(page)
    const other = await context.newPage()
    const nonceCookies: string[] = []
    other.on('response', async (r) => {
      if (r.url() === `${origin(SITE_B)}/` && r.status() === 303) {
        nonceCookies.push((await r.headerValue('set-cookie')) ?? '')
      }
    })
    await other.goto(`${origin(SITE_B)}/`)
    await expect.poll(() => text(other, 'message'), { timeout: 20_000 }).toBe('Hello admin')
    // B bound the hop with a cookie only B itself can set over HTTPS (not a sibling
    // subdomain, not a plain-HTTP answer): Chromium took it, or the hop would not bind.
    expect(nonceCookies).toHaveLength(1)
    expect(nonceCookies[0]).toMatch(/^__Host-shared_session_nonce=[^;]+;/)
    expect(nonceCookies[0]).toMatch(/; Path=\/(;|$)/)
    expect(nonceCookies[0]).toMatch(/; Secure/)
    expect(other.url()).toBe(`${origin(SITE_B)}/`)
    const names = (await context.cookies(origin(SITE_B))).map((c) => c.name)
    expect(names).toContain('__Host-sessionid')
    expect(names.filter((n) => n.includes('shared_session_nonce'))).toEqual([])
    await screenshot(other, 'production-tls-04-site-b-by-redirect')
  }, 120_000)

  it('in a partner page’s iframe with third-party cookies blocked: /embed/ logs in, greets with the header token alone, logs out', async () => {
    const context = await browserWith(BLOCK_THIRD_PARTY)
    const page = await context.newPage()
    const embedResponse = page.waitForResponse((r) => r.url() === `${origin(SITE_A)}/embed/`)
    await page.goto(`${origin(PARTNER)}/embed.html`)
    const headers = (await embedResponse).headers()
    expect(headers['content-security-policy']).toContain(`frame-ancestors ${origin(PARTNER)};`)
    expect(headers['x-frame-options']).toBeUndefined()
    const frame = await frameOf(page, `${origin(SITE_A)}/embed/`)
    await frame.getByTestId('username').waitFor()
    expect(await text(frame, 'mode')).toBe('header token')

    // Cookies are really blocked in the frame: a SameSite=None; Secure cookie written by its
    // script does not stick, while the same write on a top-level page of the site does.
    const probe = () => {
      // biome-ignore lint/suspicious/noDocumentCookie: what a frame's script can store is the point
      document.cookie = 'probe=1; Path=/; Secure; SameSite=None'
      return document.cookie
    }
    expect(await frame.evaluate(probe)).not.toContain('probe=1')
    const topLevel = await context.newPage()
    await topLevel.goto(`${origin(SITE_A)}/`)
    expect(await topLevel.evaluate(probe)).toContain('probe=1')
    await topLevel.close()
    await context.clearCookies()

    const api: { path: string; cookie: boolean; token: boolean }[] = []
    page.on('request', async (r) => {
      if (!r.url().startsWith(`${origin(SITE_A)}/api/`)) return
      const h = await r.allHeaders()
      api.push({
        path: new URL(r.url()).pathname,
        cookie: 'cookie' in h,
        token: 'x-session-token' in h,
      })
    })
    const login = page.waitForResponse((r) => r.url() === `${origin(SITE_A)}/api/login/`)
    await logIn(frame)
    const { sessionToken } = (await (await login).json()) as { sessionToken: string }
    expect(sessionToken).toBeTruthy()
    await screenshot(page, 'production-tls-04-iframe-logged-in')
    const hello = api.filter((r) => r.path === '/api/hello/')
    expect(hello.length).toBeGreaterThan(0)
    for (const r of hello) expect(r).toEqual({ path: '/api/hello/', cookie: false, token: true })
    expect(api.filter((r) => r.cookie)).toEqual([])
    expect(await context.cookies(origin(SITE_A))).toEqual([])

    await frame.getByTestId('logout').click()
    await frame.getByTestId('username').waitFor()
    const status = await frame.evaluate(
      (t) =>
        fetch('/api/hello/', { headers: { 'X-Session-Token': t }, credentials: 'omit' }).then(
          (r) => r.status,
        ),
      sessionToken,
    )
    expect(status, 'logout killed the token').toBe(401)
  }, 120_000)

  it('without FRAME_ANCESTORS, Chromium refuses to frame /embed/', async () => {
    const context = await browserWith(BLOCK_THIRD_PARTY)
    const page = await context.newPage()
    const console: string[] = []
    page.on('console', (m) => console.push(m.text()))
    const embedResponse = page.waitForResponse((r) => r.url() === `${origin(SITE_C)}/embed/`)
    await page.goto(`${origin(PARTNER)}/refused.html`)
    const headers = (await embedResponse).headers()
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(headers['x-frame-options']).toBe('DENY')
    await expect
      .poll(() => console.join('\n'), { timeout: 20_000 })
      .toMatch(
        /Framing 'https:\/\/tessera-c\.test:\d+\/' violates the following Content Security Policy directive: "frame-ancestors 'none'"\. The request has been blocked\./,
      )
    // The frame shows nothing of the app.
    const frame = page.frames().find((f) => f !== page.mainFrame())
    expect(await frame?.getByTestId('username').count()).toBe(0)
    await screenshot(page, 'production-tls-05-frame-refused')
  }, 120_000)

  /** The child frame of `page` that navigated to `url`, once it has. */
  async function frameOf(page: Page, url: string): Promise<Frame> {
    let found: Frame | undefined
    await expect
      .poll(
        () => {
          found = page.frames().find((f) => f.url() === url)
          return found !== undefined
        },
        { timeout: 20_000 },
      )
      .toBe(true)
    return found as Frame
  }

  /** One request to site A through nginx over real TLS, trusting the test CA only. */
  function send(
    method: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          servername: SITE_A,
          ca: certs.ca,
          method,
          path,
          headers: { host: `${SITE_A}:${port}`, accept: 'application/json', ...headers },
        },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (d) => {
            body += d
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        },
      )
      req.on('error', reject)
      req.end()
    })
  }
})
