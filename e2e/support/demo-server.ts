import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, where `npm start` would run from. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** A running demo: `url` is `http://127.0.0.1:<port>`. */
export interface DemoServer {
  url: string
  port: number
  /** Everything the process printed so far, for failure messages. */
  output(): string
  stop(): Promise<void>
}

/**
 * Starts the compiled demo (`apps/demo/dist/main.js`, what `npm start` runs after its
 * build step; vitest's globalSetup builds it) on a free port with a fresh `DATA_DIR`, so
 * it creates `admin`/`admin` on startup. Resolves once it prints its listening line; the
 * first start may build the SPA, hence the long timeout. `env` adds settings
 * (`FRESH_AGE`, say).
 */
export async function startDemoServer(
  timeoutMs = 120_000,
  env: Record<string, string> = {},
): Promise<DemoServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'))
  const child = spawn(process.execPath, ['apps/demo/dist/main.js'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout.on('data', (d) => {
    log += d
  })
  child.stderr.on('data', (d) => {
    log += d
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
    }
    rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`demo did not start within ${timeoutMs} ms:\n${log}`)),
        timeoutMs,
      )
      const check = () => {
        const m = log.match(/Tessera demo listening on http:\/\/[^\s:]+:(\d+)/)
        if (m) {
          clearTimeout(timer)
          resolve(Number(m[1]))
        }
      }
      child.stdout.on('data', check)
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`demo exited (${code ?? signal}) before listening:\n${log}`))
      })
    })
    return { url: `http://127.0.0.1:${port}`, port, output: () => log, stop }
  } catch (e) {
    await stop()
    throw e
  }
}
