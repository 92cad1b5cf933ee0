import { type ChildProcess, execFile, spawn } from 'node:child_process'

/** What one command run in the consumer project did. */
export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The environment of a command run as a user of the consumer project would run it: this
 * process's, without the `npm_*` variables that `npm test` sets (an inherited
 * `npm_config_*` would point the consumer's npm at this repository).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && !key.startsWith('VITEST')) env[key] = value
  }
  return { ...env, ...extra }
}

/**
 * Runs `command args` in `cwd` to its end, killed after `timeout` ms (then `code` is
 * null); never rejects on a non-zero exit.
 */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeout = 150_000,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: userEnv(env), maxBuffer: 64 * 1024 * 1024, timeout },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** A consumer's server process, up once it printed `listening on <url>`. */
export interface ConsumerServer {
  url: string
  output(): string
  stop(): Promise<void>
}

/**
 * Starts `command args` in `cwd` and resolves with the URL of its `listening on <url>`
 * line; rejects with everything it printed if it exits first.
 */
export async function startServer(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<ConsumerServer> {
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env: userEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGKILL')
    await exited
  }
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const m = /listening on (http:\/\/[^\s]+)/.exec(log)
        if (m) resolve((m[1] as string).replace(/\/$/, ''))
      }
      child.stdout?.on('data', (d) => {
        log += d
        check()
      })
      child.stderr?.on('data', (d) => {
        log += d
      })
      child.once('exit', (code, signal) =>
        reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}):\n${log}`)),
      )
    })
    return { url, output: () => log, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * Two GETs of `url`, the second with the cookies the first set: answers both JSON bodies
 * and the cookie names, so a test sees the session carried across the requests.
 */
export async function twoVisits(
  url: string,
): Promise<{ first: unknown; second: unknown; cookies: string[] }> {
  const first = await fetch(url)
  const set = first.headers.getSetCookie()
  const cookie = set.map((c) => c.split(';')[0]).join('; ')
  const second = await fetch(url, { headers: { cookie } })
  return {
    first: await first.json(),
    second: await second.json(),
    cookies: set.map((c) => c.split('=')[0] as string),
  }
}

/**
 * Starts a consumer server ({@link startServer}), makes {@link twoVisits} to its `/`, and
 * stops it whatever happened: the two answers, and everything the server printed, for the
 * assertion messages.
 */
export async function visitServerTwice(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ first: unknown; second: unknown; output: string }> {
  const server = await startServer(command, args, cwd, env)
  try {
    const { first, second } = await twoVisits(`${server.url}/`)
    return { first, second, output: server.output() }
  } finally {
    await server.stop()
  }
}
