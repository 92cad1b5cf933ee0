import { type ChildProcess, spawn } from 'node:child_process'

/** A server started in its own Node process. */
export interface ServiceProcess {
  /** `http://127.0.0.1:<port>`, from its listening line. */
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
 * Runs `node <entry>` in `cwd` — `entry` is a script path, or Node's arguments (options
 * such as `--import tsx`, the script, its arguments) — with `env` on top of this
 * process's environment, and resolves once its stdout matched every pattern of `ready`;
 * the first one must capture the `http://127.0.0.1:<port>` URL. Rejects with everything
 * it printed when it exits first or takes longer than `timeoutMs`.
 *
 * @example
 * ```ts
 * const svc = await startServiceProcess('apps/demo', 'dist/main.js', { PORT: '0' },
 *   [/listening on (http:\/\/127\.0\.0\.1:\d+)\n/])
 * ```
 */
export async function startServiceProcess(
  cwd: string,
  entry: string | readonly string[],
  env: Record<string, string>,
  ready: RegExp[],
  timeoutMs = 40_000,
): Promise<ServiceProcess> {
  const name = typeof entry === 'string' ? entry : entry.join(' ')
  const child = spawn(process.execPath, typeof entry === 'string' ? [entry] : [...entry], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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
        () => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${log}`)),
        timeoutMs,
      )
      const check = (): void => {
        const m = (ready[0] as RegExp).exec(log)
        if (m && ready.every((r) => r.test(log))) {
          clearTimeout(timer)
          resolve(m[1] as string)
        }
      }
      child.stdout?.on('data', check)
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${log}`))
      })
    })
    return { url, child, output: () => log, stderr: () => stderr, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
