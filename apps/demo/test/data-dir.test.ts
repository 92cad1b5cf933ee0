import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'

// DATA_DIR holds the generated secret, the users' password hashes (app.sqlite3), the
// sessions and the audit log: other users of the machine must not read any of them.

const parent = mkdtempSync(join(tmpdir(), 'tessera-demo-data-'))
const demos: DemoProcess[] = []
afterAll(async () => {
  await Promise.all(demos.map((d) => d.stop()))
  rmSync(parent, { recursive: true, force: true })
})

describe('the DATA_DIR the demo creates', () => {
  it('is readable by its owner only, with the secret mode 0600', async () => {
    const dataDir = join(parent, 'srv', 'demo')
    demos.push(await startDemoProcess({ DATA_DIR: dataDir }))
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    expect(statSync(join(parent, 'srv')).mode & 0o077).toBe(0)
    expect(statSync(join(dataDir, 'secret')).mode & 0o777).toBe(0o600)
  }, 60_000)

  it('says so when other users may read the secret file it finds, as for the JWT keys', async () => {
    const dataDir = join(parent, 'loose')
    mkdirSync(dataDir)
    writeFileSync(join(dataDir, 'secret'), 'loose-secret-loose-secret-loose-secret-0123\n')
    chmodSync(join(dataDir, 'secret'), 0o644)
    const demo = await startDemoProcess({ DATA_DIR: dataDir })
    demos.push(demo)
    expect(demo.output()).toContain(
      `WARNING: ${join(dataDir, 'secret')} holds the app secret but other users may read it (chmod 600 it).`,
    )
    expect(demo.output()).not.toContain('loose-secret')
  }, 60_000)
})
