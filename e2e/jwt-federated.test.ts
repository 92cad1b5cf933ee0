import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../test-support/demo-process.js'
import { startFederatedProcess } from '../test-support/federated-process.js'
import type { ServiceProcess } from '../test-support/service-process.js'
import { chromiumGate, launchChromium, screenshot } from './support/browser.js'

const { executable, gate } = chromiumGate()
const SECRET = 'introspection-secret-for-the-browser-test-012345'

/**
 * The browser itself calls the federated service: both run on `localhost`, on two ports,
 * and cookies are scoped by host, not port (RFC 6265 §8.5), so Chromium sends the demo's
 * session cookie to the federated service as it would to a sibling host under a cookie
 * `Domain`. That shows what django-session-jwt promises — one cookie serves the app and
 * its federated services — without the test copying the cookie over. `context.cookies()`
 * is used only for what a browser cannot do: steal the JWT to replay it after logout.
 */
describe.skipIf(gate.skip)(
  'JWT session cookie: the demo and a federated service in Chromium',
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-e2e-jwt-'))
    let demo: DemoProcess
    let jwksOnly: ServiceProcess
    let introspecting: ServiceProcess
    let browser: Browser
    let context: BrowserContext
    let page: Page
    const local = (service: { url: string }) => service.url.replace('127.0.0.1', 'localhost')

    beforeAll(async () => {
      demo = await startDemoProcess(
        { DATA_DIR: dataDir, SESSION_FORMAT: 'jwt', INTROSPECTION_SECRET: SECRET },
        150_000,
      )
      const jwksUrl = `${demo.url}/.well-known/jwks.json`
      ;[jwksOnly, introspecting, browser] = await Promise.all([
        startFederatedProcess({ JWKS_URL: jwksUrl }),
        startFederatedProcess({
          JWKS_URL: jwksUrl,
          INTROSPECTION_URL: `${demo.url}/introspect/`,
          INTROSPECTION_SECRET: SECRET,
        }),
        launchChromium(executable),
      ])
      context = await browser.newContext({ viewport: { width: 900, height: 640 } })
      context.setDefaultTimeout(20_000)
      page = await context.newPage()
    }, 200_000)

    afterAll(async () => {
      await context?.close().catch(() => {})
      await browser?.close()
      await Promise.all([demo?.stop(), jwksOnly?.stop(), introspecting?.stop()])
      rmSync(dataDir, { recursive: true, force: true })
    }, 60_000)

    const text = async (testId: string) =>
      ((await page.getByTestId(testId).textContent()) ?? '').trim()

    /** Opens `/whoami` of `service` in the browser tab; its status and JSON body. */
    async function visitWhoami(service: ServiceProcess) {
      const response = await page.goto(`${local(service)}/whoami`)
      return {
        status: response?.status(),
        body: (await response?.json()) as {
          claims?: Record<string, unknown>
          detail?: string
        },
      }
    }

    const bearer = (service: ServiceProcess, jwt: string) =>
      fetch(`${service.url}/whoami`, { headers: { authorization: `Bearer ${jwt}` } })

    it('logs in through the SPA form; the federated services greet the user; logout ends it everywhere it can', async () => {
      const app = local(demo)
      await page.goto(`${app}/`)
      await page.getByTestId('username').fill('admin')
      await page.getByTestId('password').fill('admin')
      await page.getByTestId('login').click()
      await expect.poll(() => text('message'), { timeout: 20_000 }).toBe('Hello admin')
      await screenshot(page, 'jwt-01-logged-in')

      const session = (await context.cookies(app)).find((c) => c.name === 'sessionid')
      expect(session?.httpOnly).toBe(true)
      expect(session?.value.split('.')).toHaveLength(3)
      const copied = session?.value as string

      for (const service of [jwksOnly, introspecting]) {
        const { status, body } = await visitWhoami(service)
        expect(status).toBe(200)
        expect(body.claims).toMatchObject({ username: 'admin', iss: 'tessera-demo' })
      }
      await screenshot(page, 'jwt-02-federated-whoami')

      await page.goto(`${app}/`)
      await expect.poll(() => text('message'), { timeout: 20_000 }).toBe('Hello admin')
      await page.getByTestId('logout').click()
      await page.getByTestId('username').waitFor()
      await screenshot(page, 'jwt-03-logged-out')
      const left = (await context.cookies()).filter((c) => c.name === 'sessionid')
      expect(left, 'the browser holds no session cookie after logout').toEqual([])

      // The browser itself is anonymous everywhere now.
      const after = await visitWhoami(jwksOnly)
      expect(after.status).toBe(401)
      expect(after.body).toEqual({ detail: 'Authentication credentials were not provided.' })

      // A JWT copied before logout: the JWKS-only service can only check signature and exp,
      // so it still trusts the copy (until exp, 5 minutes by default); the introspecting
      // service asks the app and refuses it at once.
      const stolen = await bearer(jwksOnly, copied)
      expect(stolen.status).toBe(200)
      expect(
        ((await stolen.json()) as { claims: { exp: number; iat: number } }).claims,
      ).toMatchObject({
        username: 'admin',
      })
      const refused = await bearer(introspecting, copied)
      expect(refused.status).toBe(401)
      expect(await refused.json()).toEqual({ detail: 'The session has ended.' })
    }, 120_000)
  },
)
