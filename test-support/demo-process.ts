import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'demo')

/** A demo server started as `npm start` runs it (tsx on the sources), in its own process. */
export interface DemoProcess {
  /** `http://127.0.0.1:<port>` */
  url: string
  child: ChildProcess
  /** Everything it printed so far (stdout and stderr). */
  output(): string
  /** What it printed on stderr so far. */
  stderr(): string
  /** SIGTERM, then SIGKILL after 5 s; resolves once it exited. Safe to call twice. */
  stop(): Promise<void>
}

/**
 * Starts the demo on a free port with `env` on top of a clean default: SQLite unless
 * `env` names a store (an inherited REDIS_URL/DATABASE_URL never leaks in). Resolves
 * once it printed both its listening line and its `Sessions:` line.
 */
export async function startDemoProcess(
  env: Record<string, string>,
  timeoutMs = 40_000,
): Promise<DemoProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@tessera/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: demoDir,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        REDIS_URL: '',
        DATABASE_URL: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let log = ''
  let stderr = ''
  child.stdout?.on('data', (d) => {
    log += d
  })
  child.stderr?.on('data', (d) => {
    log += d
    stderr += d
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(killer)
  }
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`demo did not start within ${timeoutMs} ms:\n${log}`)),
        timeoutMs,
      )
      const check = (): void => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(log)
        if (m && /Sessions: [^\n]*\n/.test(log)) {
          clearTimeout(timer)
          resolve(m[1] as string)
        }
      }
      child.stdout?.on('data', check)
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`demo exited (${code ?? signal}) before listening:\n${log}`))
      })
    })
    return { url, child, output: () => log, stderr: () => stderr, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
