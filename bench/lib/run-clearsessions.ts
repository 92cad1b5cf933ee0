import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Clearing } from './scale-result.js'

const tessera = fileURLToPath(new URL('../../packages/cli/bin/tessera.js', import.meta.url))

/**
 * Runs the real `tessera clearsessions` (the compiled CLI on plain Node, as an operator
 * runs it) with `args`, and times it from start to exit. Throws with its output when it
 * fails.
 */
export function runClearsessions(
  store: string,
  sessions: number,
  args: readonly string[],
): Promise<Clearing> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [tessera, 'clearsessions', ...args],
      { maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 },
      (error, stdout, stderr) => {
        const seconds = (performance.now() - started) / 1000
        if (error) {
          reject(new Error(`tessera clearsessions failed: ${error.message}\n${stderr}`))
          return
        }
        const said = stdout.trim().split('\n').at(-1) ?? ''
        resolve({ store, sessions, seconds, said })
      },
    )
  })
}
