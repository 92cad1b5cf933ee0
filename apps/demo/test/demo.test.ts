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

/** Starts the demo exactly as `npm start` does (tsx on the sources), on a free port. */
beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['--conditions=@tessera/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: demoDir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  base = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d) => {
      out += d
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
      if (m) resolve(m[1] as string)
    })
    child.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${stderr}`)))
  })
}, 60_000)

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the demo server', () => {
  it('serves a session-backed counter on the SQLite store under DATA_DIR', async () => {
    const first = await fetch(`${base}/api/visits/`)
    expect(await first.json()).toEqual({ visits: 1 })
    const cookie = (first.headers.getSetCookie()[0] as string).split(';')[0] as string
    const second = await fetch(`${base}/api/visits/`, { headers: { cookie } })
    expect(await second.json()).toEqual({ visits: 2 })
    expect(await (await fetch(`${base}/api/visits/`)).json()).toEqual({ visits: 1 })
    expect(existsSync(join(dataDir, 'sessions.sqlite3'))).toBe(true)
    expect(existsSync(join(dataDir, 'secret'))).toBe(true)
  })

  it('answers unknown paths with JSON 404', async () => {
    const res = await fetch(`${base}/nope`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'Not found' })
  })
})
