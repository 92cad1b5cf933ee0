import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServiceProcess, startServiceProcess } from '../../test-support/service-process.js'
import { repoRoot } from './demo-server.js'

/** The Next.js example app. */
export const nextExampleDir = join(repoRoot, 'examples', 'nextjs')

// Its own build directory, so a developer's `.next` (from `next dev`) is left alone.
const DIST_DIR = '.next-e2e'
const NEXT_BIN = join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next')
// No network here, and CI should not report usage anywhere.
const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: '1', NEXT_DIST_DIR: DIST_DIR }

/**
 * `next build` (Turbopack) of the example, on the packages' built `dist/` (vitest's
 * globalSetup builds them first), into `examples/nextjs/.next-e2e`; resolves with
 * how long it took in milliseconds (reported, never asserted). Rejects with the build's
 * output when it fails.
 */
export function buildNextExample(): Promise<number> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [NEXT_BIN, 'build'],
      {
        cwd: nextExampleDir,
        env: { ...process.env, ...NEXT_ENV },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`next build failed:\n${stdout}\n${stderr}`))
        else resolve(performance.now() - started)
      },
    )
  })
}

/**
 * `next start` of the built example on a free loopback port with a fresh `DATA_DIR`
 * (so it creates `admin`/`admin` on first use) and `env` on top (`REDIS_URL`, …).
 */
export function startNextExample(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-next-'))
  return startServiceProcess(
    nextExampleDir,
    [NEXT_BIN, 'start', '--hostname', '127.0.0.1', '--port', '0'],
    { ...NEXT_ENV, DATA_DIR: dataDir, ...env },
    [/Local:\s+(http:\/\/127\.0\.0\.1:\d+)/, /Ready in/],
  )
}
