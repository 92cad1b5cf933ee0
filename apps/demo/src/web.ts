import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Context, Env, Hono } from 'hono'

const demoDir = fileURLToPath(new URL('..', import.meta.url))
const webDir = join(demoDir, 'web')
const distDir = join(webDir, 'dist')
const configFile = join(demoDir, 'vite.config.ts')

/**
 * The policy for every HTML page. Vite's production build emits only external module
 * scripts, so no inline script is needed; Vue's scoped styles and `:style` bindings
 * need `'unsafe-inline'` for styles only. `frame-ancestors 'none'` stops clickjacking
 * of the login form.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

/**
 * The policy of the pages under `/embed/` when `frameAncestors` lists origins allowed
 * to frame them (`FRAME_ANCESTORS`): {@link CONTENT_SECURITY_POLICY} with those origins
 * as `frame-ancestors`. Every other page keeps `'none'`.
 *
 * @example
 * ```ts
 * embedContentSecurityPolicy(['https://partner.example'])
 * // "… frame-ancestors https://partner.example; …"
 * ```
 */
export function embedContentSecurityPolicy(frameAncestors: readonly string[]): string {
  if (frameAncestors.length === 0) return CONTENT_SECURITY_POLICY
  return CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
  )
}

let building: Promise<string> | undefined

/**
 * Builds the SPA in `apps/demo/web` with Vite when `web/dist/index.html` is missing or
 * older than any file under `web/` (outside `dist`) or `vite.config.ts`, and returns the
 * absolute `dist` directory. Logs one line when it builds. Vite is imported only then,
 * so a deployment with a prebuilt `dist` does not need it.
 *
 * @example
 * ```ts
 * mountWeb(app, await ensureWebBuild())
 * ```
 */
export function ensureWebBuild(): Promise<string> {
  if (!building) {
    building = buildIfStale().finally(() => {
      building = undefined
    })
  }
  return building
}

async function buildIfStale(): Promise<string> {
  const built = mtimeOf(join(distDir, 'index.html'))
  const newestSource = Math.max(mtimeOf(configFile) ?? 0, newestMtime(webDir))
  if (built !== undefined && built >= newestSource) return distDir

  console.log(`Building the demo SPA with Vite: ${relative(process.cwd(), webDir) || '.'}`)
  const { build } = await import('vite')
  // Build beside dist, then swap: a server (or a second process starting at the same
  // time, as in the test suite) never sees a half-emptied dist.
  const staging = join(webDir, `.dist-${process.pid}-${randomBytes(4).toString('hex')}`)
  try {
    await build({ configFile, logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } })
    await swapIn(staging)
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  return distDir
}

async function swapIn(staging: string): Promise<void> {
  const retired = `${staging}-old`
  try {
    if (existsSync(distDir)) await rename(distDir, retired)
    await rename(staging, distDir)
  } catch (e) {
    // Another process swapped its identical build in between our two renames.
    if (!existsSync(join(distDir, 'index.html'))) throw e
  } finally {
    await rm(retired, { recursive: true, force: true })
  }
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs
  } catch {
    return undefined
  }
}

/** Newest mtime under `dir`, skipping the build output and dot-entries (staging dirs). */
function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (path !== distDir) newest = Math.max(newest, newestMtime(path))
    } else {
      newest = Math.max(newest, mtimeOf(path) ?? 0)
    }
  }
  return newest
}

/**
 * Serves the built SPA from `distDir`: files as they are (hashed `/assets/*` cached for
 * a year), and `index.html` for any other GET outside `/api/` so client-side routes
 * survive a reload. Register it after the API routes: paths under `/api/`, missing
 * assets and missing `/.well-known/` documents fall through to the app's 404. HTML carries a strict CSP, `nosniff` and
 * `Referrer-Policy: same-origin`, and may not be framed (`frame-ancestors 'none'`,
 * `X-Frame-Options: DENY`) — except pages under `/embed/` by the `frameAncestors` origins. `HEAD` answers the page's headers without running
 * `html` (no token issued, no session created).
 *
 * @example
 * ```ts
 * const app = createApp(manager)
 * mountWeb(app, await ensureWebBuild())
 * ```
 */
export function mountWeb<E extends Env>(
  app: Hono<E>,
  distDir: string,
  options: {
    /** Rewrites every HTML page before it is sent (the demo adds the session token). */
    html?: (c: Context<E>, html: string) => Promise<string>
    /**
     * Origins allowed to frame the pages under `/embed/` (`FRAME_ANCESTORS`).
     * @default [] (no page may be framed)
     */
    frameAncestors?: readonly string[]
  } = {},
): void {
  const embedPolicy = embedContentSecurityPolicy(options.frameAncestors ?? [])
  const secure = (res: Response, path: string, page: string): Response =>
    secureHeaders(res, path, page.startsWith('/embed/') ? embedPolicy : CONTENT_SECURITY_POLICY)
  const render = async (c: Context<E>, res: Response, path: string): Promise<Response> => {
    const html = options.html
    const page = c.req.path
    if (!html || !res.headers.get('Content-Type')?.startsWith('text/html'))
      return secure(res, path, page)
    const headers = new Headers(res.headers)
    headers.delete('Content-Length')
    // HEAD is GET without a body (RFC 9110 §9.3.2): serveStatic sends no body to rewrite,
    // and the rewrite's side effects (issuing a header token creates a session row)
    // must not happen for a request that shows nothing.
    if (c.req.method === 'HEAD') {
      return secure(new Response(null, { status: res.status, headers }), path, page)
    }
    return secure(
      new Response(await html(c, await res.text()), { status: res.status, headers }),
      path,
      page,
    )
  }
  // serveStatic joins `root` with the request path, so an absolute root works from any
  // working directory; it refuses `..`, doubled slashes, backslashes and `%` itself.
  const files = serveStatic<E>({ root: distDir })
  const indexHtml = serveStatic<E>({ root: distDir, path: 'index.html' })
  const fallThrough = async () => {}

  app.get('*', async function spa(c, next) {
    const path = c.req.path
    if (path === '/api' || path.startsWith('/api/')) return next()
    const file = await files(c, fallThrough)
    if (file) return render(c, file, path)
    // A missing hashed asset must stay a 404: HTML under a .js URL only confuses. So must
    // a missing well-known document: a JWKS fetch (opaque cookies publish none) that got
    // the SPA page with 200 would fail far from the cause.
    if (path.startsWith('/assets/') || path.startsWith('/.well-known/')) return next()
    const page = await indexHtml(c, fallThrough)
    return page ? render(c, page, '/index.html') : next()
  })
}

function secureHeaders(res: Response, path: string, policy: string): Response {
  const headers = res.headers
  headers.set('X-Content-Type-Options', 'nosniff')
  headers.set('Referrer-Policy', 'same-origin')
  if (path.startsWith('/assets/')) {
    headers.set('Cache-Control', 'public, max-age=31536000, immutable')
  } else {
    // Everything else keeps its URL across deploys, so revalidate every time.
    headers.set('Cache-Control', 'no-cache')
  }
  if (headers.get('Content-Type')?.startsWith('text/html')) {
    headers.set('Content-Security-Policy', policy)
    // For browsers without CSP frame-ancestors; a page some origins may frame has none.
    if (policy === CONTENT_SECURITY_POLICY) headers.set('X-Frame-Options', 'DENY')
  }
  return res
}
