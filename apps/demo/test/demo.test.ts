import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-'))
let child: ChildProcess
let base = ''
let output = ''

/**
 * Starts the demo exactly as `npm start` does (`node start.js`: `tsc -b`, then
 * `dist/main.js` in the same process), on a free port.
 */
beforeAll(async () => {
  child = spawn(process.execPath, ['start.js'], {
    cwd: demoDir,
    // The SQLite default on purpose: a REDIS_URL or DATABASE_URL from the environment must
    // not silently switch this test to another store.
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      REDIS_URL: '',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
    output += d
  })
  base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      output += d
      const m = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
      if (m) resolve(m[1] as string)
    })
    child.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${stderr}`)))
  })
}, 180_000)

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the demo server (as npm start runs it)', () => {
  it('creates the demo user on first start and says so, with a warning', () => {
    expect(output).toContain('Created the demo user admin / admin.')
    expect(output).toMatch(/WARNING: that password is public/)
  })

  it('serves the session-auth API on the SQLite store under DATA_DIR', async () => {
    const jar = new Map<string, string>()
    const call = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers)
      headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
      const res = await fetch(`${base}${path}`, { ...init, headers })
      for (const c of res.headers.getSetCookie()) {
        const [pair = ''] = c.split(';')
        const i = pair.indexOf('=')
        jar.set(pair.slice(0, i), pair.slice(i + 1))
      }
      return res
    }
    await call('/api/csrf/')
    const login = await call('/api/login/', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrftoken': jar.get('csrftoken') ?? '',
        origin: base,
      },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    })
    expect(login.status).toBe(200)
    expect(await (await call('/api/hello/')).json()).toEqual({ message: 'Hello admin' })
    // A cookie page never carries a header token: it would be a script-readable credential.
    expect(await (await call('/')).text()).not.toContain('data-session-token')
    // /embed/ does (django-session-token's template tag)…
    const shell = await (await call('/embed/')).text()
    const token = /<html[^>]*\sdata-session-token="([A-Za-z0-9_.-]+)"/.exec(shell)?.[1] as string
    expect(token).toBeDefined()
    // …which works on its own, without the cookie.
    const viaToken = await fetch(`${base}/api/hello/`, { headers: { 'x-session-token': token } })
    expect(await viaToken.json()).toEqual({ message: 'Hello admin' })
    // Anonymous visitors get no token (and no session) with the page.
    const anonymous = await fetch(`${base}/`)
    expect(await anonymous.text()).not.toContain('data-session-token')
    expect(anonymous.headers.getSetCookie()).toEqual([])
    expect(existsSync(join(dataDir, 'sessions.sqlite3'))).toBe(true)
    expect(existsSync(join(dataDir, 'app.sqlite3'))).toBe(true)
    expect(existsSync(join(dataDir, 'secret'))).toBe(true)
  })

  it('serves the SPA at / and JSON 404s under /api', async () => {
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/<div id="app">/)
    const res = await fetch(`${base}/api/nope/`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'Not found' })
  })
})
