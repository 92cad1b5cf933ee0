import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

// The Next.js example (examples/nextjs) and Django's ALLOWED_HOSTS, in process (no
// `next build`; e2e/nextjs.test.ts drives the built app). A page on a name the attacker
// controls that now resolves to the server (DNS rebinding) sends `Host` and `Origin` of
// that name: the CSRF check's own origin is built from `Host`, so only the host list
// stops it. Route handlers answer 400 DISALLOWED_HOST; Server Actions and pages, which
// cannot set a status, call forbidden(). `next/headers` and `next/navigation` are
// stand-ins here: Server Actions and Server Components read the request through them.

const next = vi.hoisted(() => {
  class Forbidden extends Error {}
  return {
    Forbidden,
    headers: new Headers(),
    setCookies: [] as string[],
  }
})
vi.mock('next/headers', () => ({
  headers: async () => next.headers,
  cookies: async () => ({
    set: (name: string, value: string) => next.setCookies.push(`${name}=${value}`),
  }),
}))
vi.mock('next/navigation', () => ({
  forbidden: () => {
    throw new next.Forbidden('forbidden()')
  },
}))

type Handler = (request: Request) => Promise<Response>
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/**
 * A fresh copy of the example (modules evaluated again, so a new setup) with
 * `ALLOWED_HOSTS` as given (unset: the default) and its own `DATA_DIR`.
 */
async function loadExample(allowedHosts?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-next-hosts-'))
  dirs.push(dataDir)
  process.env.DATA_DIR = dataDir
  for (const name of ['REDIS_URL', 'TRUST_PROXY', 'TRUSTED_ORIGINS', 'ALLOWED_HOSTS']) {
    delete process.env[name]
  }
  if (allowedHosts !== undefined) process.env.ALLOWED_HOSTS = allowedHosts
  vi.resetModules()
  const app = '../../../examples/nextjs'
  return {
    dataDir,
    csrf: (await import(`${app}/app/api/csrf/route.ts`)).GET as Handler,
    login: (await import(`${app}/app/api/login/route.ts`)).POST as Handler,
    me: (await import(`${app}/app/api/me/route.ts`)).GET as Handler,
    logout: (await import(`${app}/app/api/logout/route.ts`)).POST as Handler,
    sessionAction: (await import(`${app}/lib/session-action.ts`)).sessionAction as (
      form: FormData,
      body: () => Promise<string>,
    ) => Promise<string>,
    readSession: (await import(`${app}/lib/read-session.ts`)).readSession as () => Promise<unknown>,
    tessera: (await import(`${app}/lib/tessera.ts`)).tessera as () => unknown,
    ConfigError: (await import('@tessera/core')).ConfigError,
  }
}

/** {@link loadExample}, its setup created at once (it reads the environment then). */
async function startExample(allowedHosts?: string) {
  const example = await loadExample(allowedHosts)
  example.tessera()
  return example
}
type Example = Awaited<ReturnType<typeof loadExample>>

/** Session rows in the example's SQLite store. */
function sessionRows(dataDir: string): number {
  const file = join(dataDir, 'sessions.sqlite3')
  if (!existsSync(file)) return 0
  const db = new Database(file, { readonly: true })
  try {
    const table = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tessera_sessions'")
      .get()
    if (!table) return 0
    return (db.prepare('SELECT count(*) AS n FROM tessera_sessions').get() as { n: number }).n
  } finally {
    db.close()
  }
}

/** `name=value` pairs of a cookie jar, later `Set-Cookie` lines replacing earlier ones. */
function jar(previous: string, response: Response): string {
  const cookies = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair] as const),
  )
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0] as string
    cookies.set(pair.slice(0, pair.indexOf('=')), pair)
  }
  return [...cookies.values()].join('; ')
}

// `next start` binds 127.0.0.1:3100; the browser's Host is what the tests vary.
const BOUND = 'http://127.0.0.1:3100'

/** GET /api/csrf/, then POST /api/login/ as admin/admin, all for `host`. */
async function logIn(example: Example, host: string, scheme = 'http') {
  const first = await example.csrf(new Request(`${BOUND}/api/csrf/`, { headers: { host } }))
  const { csrfToken } = (await first.clone().json()) as { csrfToken?: string }
  const login = await example.login(
    new Request(`${BOUND}/api/login/`, {
      method: 'POST',
      headers: {
        host,
        // A browser serializes Origin in lowercase.
        origin: `${scheme}://${host.toLowerCase()}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
        'x-csrftoken': csrfToken ?? '',
        cookie: jar('', first),
      },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    }),
  )
  const cookie = jar(jar('', first), login)
  const me = await example.me(new Request(`${BOUND}/api/me/`, { headers: { host, cookie } }))
  return { first, login, me, cookie }
}

async function expectDisallowed(response: Response) {
  expect(response.status).toBe(400)
  expect(await response.json()).toEqual({
    detail: 'Invalid Host header.',
    code: 'DISALLOWED_HOST',
  })
  expect(response.headers.getSetCookie()).toEqual([])
}

/** Runs a Server Action of the example with these request headers. */
async function runAction(example: Example, headers: Record<string, string>, form: FormData) {
  next.headers = new Headers(headers)
  next.setCookies = []
  const body = vi.fn(async () => 'ran')
  const outcome = await example.sessionAction(form, body).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  return { outcome, body }
}

describe('Next.js example: ALLOWED_HOSTS unset (localhost, 127.0.0.1, [::1])', () => {
  let example: Example
  beforeAll(async () => {
    example = await startExample()
  })
  const attacker = 'rebind.attacker.test'

  it('answers 400 DISALLOWED_HOST to a DNS-rebinding Host on every route, creating no session', async () => {
    const { first, login, me } = await logIn(example, attacker)
    await expectDisallowed(first)
    await expectDisallowed(login)
    await expectDisallowed(me)
    await expectDisallowed(
      await example.logout(
        new Request(`${BOUND}/api/logout/`, {
          method: 'POST',
          headers: { host: attacker, origin: `http://${attacker}` },
        }),
      ),
    )
    expect(sessionRows(example.dataDir)).toBe(0)
  })

  it.each([
    'localhost.attacker.test',
    'attacker.test:3100',
    '127.0.0.1.nip.io',
    'localhost@attacker.test',
    'localhost:3100/x',
    '',
  ])('refuses Host %j on a route handler', async (host) => {
    const headers = new Headers()
    if (host) headers.set('host', host)
    await expectDisallowed(await example.csrf(new Request(`${BOUND}/api/csrf/`, { headers })))
  })

  it('refuses a Server Action and a page for a DNS-rebinding Host before any session work', async () => {
    const form = new FormData()
    form.set('csrfmiddlewaretoken', 'x'.repeat(64))
    const { outcome, body } = await runAction(
      example,
      { host: attacker, origin: `http://${attacker}`, 'sec-fetch-site': 'same-origin' },
      form,
    )
    expect(outcome).toEqual({ error: expect.any(next.Forbidden) })
    expect(body).not.toHaveBeenCalled()
    expect(next.setCookies).toEqual([])
    next.headers = new Headers({ host: attacker })
    await expect(example.readSession()).rejects.toBeInstanceOf(next.Forbidden)
    expect(sessionRows(example.dataDir)).toBe(0)
  })

  it.each(['localhost:3100', '127.0.0.1:3100', '[::1]:3100', 'LOCALHOST'])(
    'serves loopback Host %j',
    async (host) => {
      const { first, login, me } = await logIn(example, host)
      expect(first.status).toBe(200)
      expect(login.status).toBe(200)
      expect(await me.json()).toEqual({ user: { id: '1', username: 'admin' } })
    },
  )

  it('runs a Server Action for a loopback Host, and refuses the same session on another', async () => {
    const host = 'localhost:3100'
    const { cookie } = await logIn(example, host)
    const csrf = await example.csrf(
      new Request(`${BOUND}/api/csrf/`, { headers: { host, cookie } }),
    )
    const form = new FormData()
    form.set('csrfmiddlewaretoken', ((await csrf.json()) as { csrfToken: string }).csrfToken)
    const headers = { origin: `http://${host}`, 'sec-fetch-site': 'same-origin', cookie }
    const allowed = await runAction(example, { ...headers, host }, form)
    expect(allowed.outcome).toEqual({ value: 'ran' })
    const rebound = await runAction(
      example,
      { ...headers, host: attacker, origin: `http://${attacker}` },
      form,
    )
    expect(rebound.outcome).toEqual({ error: expect.any(next.Forbidden) })
    expect(rebound.body).not.toHaveBeenCalled()
  })
})

describe('Next.js example: ALLOWED_HOSTS=app.example.test,localhost:3100', () => {
  let example: Example
  beforeAll(async () => {
    example = await startExample(' app.example.test , localhost:3100 ')
  })

  it('serves the configured hosts', async () => {
    for (const host of ['app.example.test', 'app.example.test:8443', 'localhost:3100']) {
      const { first, login, me } = await logIn(example, host)
      expect([host, first.status, login.status, me.status]).toEqual([host, 200, 200, 200])
    }
  })

  it('refuses the loopback defaults it replaced, another port and a rebinding Host', async () => {
    for (const host of ['127.0.0.1:3100', 'localhost:3000', 'rebind.attacker.test']) {
      const { first, login, me } = await logIn(example, host)
      await expectDisallowed(first)
      await expectDisallowed(login)
      await expectDisallowed(me)
    }
  })
})

describe('Next.js example: a bad ALLOWED_HOSTS entry', () => {
  it.each(['*', '.example.com', 'https://app.example.com', 'app.example.com/x', '*.example.com'])(
    'fails setup with a ConfigError naming the setting (%j)',
    async (entry) => {
      const example = await loadExample(`localhost,${entry}`)
      const message = `ALLOWED_HOSTS entries must be exact hosts like "example.com", "example.com:8443" or "[::1]" (no scheme, path or wildcard), got ${JSON.stringify(entry)}`
      expect(() => example.tessera()).toThrow(example.ConfigError)
      expect(() => example.tessera()).toThrow(message)
      // Nothing is served with the bad setting, and no database was opened.
      await expect(
        example.csrf(new Request(`${BOUND}/api/csrf/`, { headers: { host: 'localhost' } })),
      ).rejects.toThrow(message)
      expect(sessionRows(example.dataDir)).toBe(0)
    },
  )
})
