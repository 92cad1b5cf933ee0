import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { Client } from './client.js'

// The README's promise: `npm start` prints the demo login. Every start prints it while
// the demo user keeps its public password, not only the start that created the user.

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-login-'))
const running: DemoProcess[] = []
afterAll(async () => {
  await Promise.all(running.map((d) => d.stop()))
  rmSync(dataDir, { recursive: true, force: true })
})

/** One `npm start` on the same DATA_DIR (SQLite), stopped by the caller. */
async function start(): Promise<DemoProcess> {
  const demo = await startDemoProcess(
    { DATA_DIR: dataDir, TESSERA_SECRET: 'demo-login-secret-'.repeat(3) },
    60_000,
  )
  running.push(demo)
  return demo
}

async function stop(demo: DemoProcess): Promise<string> {
  await demo.stop()
  running.splice(running.indexOf(demo), 1)
  return demo.output()
}

describe('the demo login printed at start, and a port already taken', () => {
  it('is printed on every start until the password changes, then no more', async () => {
    const first = await stop(await start())
    expect(first).toContain('Created the demo user admin / admin.')
    expect(first).toMatch(/WARNING: that password is public/)

    const second = await start()
    expect(second.output()).toContain('Demo login: admin / admin.')
    expect(second.output()).toMatch(/WARNING: that password is public/)
    expect(second.output()).not.toContain('Created the demo user')

    const client = new Client({ request: (url, init) => fetch(url, init) }, second.url)
    expect((await client.login('admin', 'admin')).status).toBe(200)
    const changed = await client.request('/api/password/', {
      json: { oldPassword: 'admin', newPassword: 'a much better password' },
    })
    expect(changed.status).toBe(200)
    await stop(second)

    const third = await stop(await start())
    expect(third).toContain('listening on')
    expect(third).not.toContain('Demo login')
    expect(third).not.toContain('admin / admin')
    expect(third).not.toMatch(/WARNING: that password is public/)
  }, 180_000)

  it('a second start on a port in use exits 1 with one line that says so, no stack trace', async () => {
    const first = await start()
    const port = new URL(first.url).port
    const second = startDemoProcess(
      { DATA_DIR: dataDir, TESSERA_SECRET: 'demo-login-secret-'.repeat(3), PORT: port },
      60_000,
    )
    await expect(second).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is in use (another npm start?): stop it, or set PORT.`,
    )
    await expect(second).rejects.toThrow(/exited \(1\) before listening/)
    await expect(second).rejects.not.toThrow(/EADDRINUSE|at Server\./)
    await stop(first)
  }, 120_000)
})
