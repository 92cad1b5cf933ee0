import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServiceProcess } from '../../test-support/service-process.js'
import type { RunningServer } from './spawn-server.js'
import { trackChild } from './spawn-server.js'

/** apps/demo: `npm start` runs `node start.js` there. */
export const demoDir = fileURLToPath(new URL('../../apps/demo/', import.meta.url))

/** A demo started by {@link spawnDemo}: a server plus the data directory it writes to. */
export interface RunningDemo extends RunningServer {
  /** DATA_DIR of this demo: `sessions.sqlite3` (the session store) lives here. */
  dataDir: string
}

/**
 * Starts the demo exactly as `npm start` runs it — `node start.js` in apps/demo, which
 * builds what is stale (`tsc -b`) and then runs the compiled `dist/main.js` on plain
 * Node — on a free port, with its default SQLite session store in a fresh DATA_DIR (an
 * inherited REDIS_URL or DATABASE_URL never leaks in). Resolves once it printed its
 * listening and `Sessions:` lines; `stop()` ends it and deletes the data directory.
 *
 * @example
 * ```ts
 * const demo = await spawnDemo()
 * try { await fetch(`${demo.url}/api/csrf/`) } finally { await demo.stop() }
 * ```
 */
export async function spawnDemo(timeoutMs = 120_000): Promise<RunningDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-demo-'))
  try {
    const demo = await startServiceProcess(
      demoDir,
      // BENCH_CPU_PROF=<dir>: the demo writes a V8 CPU profile there when it stops, as
      // the other server children do.
      process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, 'start.js']
        : 'start.js',
      {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        REDIS_URL: '',
        DATABASE_URL: '',
      },
      [/listening on (http:\/\/127\.0\.0\.1:\d+)\n/, /Sessions: [^\n]*\n/],
      timeoutMs,
    )
    trackChild(demo.child)
    const stop = async (): Promise<void> => {
      await demo.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
    return { url: demo.url, pid: demo.child.pid as number, stop, dataDir }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}
