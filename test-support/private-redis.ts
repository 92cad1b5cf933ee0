import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A `redis-server` of one test file's own, which the test may stop and start again. */
export interface PrivateRedis {
  port: number
  /** `redis://127.0.0.1:<port>` */
  url: string
  /** Starts the server again on the same port and directory (its data is kept). */
  start(): Promise<void>
  /** Shuts the server down (SIGTERM: a clean shutdown) and waits until it has exited. */
  stop(): Promise<void>
  /** Stops the server and removes its directory. Idempotent. */
  destroy(): Promise<void>
}

const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 15_000
const STOP_TIMEOUT_MS = 10_000

/**
 * Starts `redis-server` on a free loopback port with a fresh temp directory and an
 * append-only file synced on every write (`--appendonly yes --appendfsync always`), so
 * a stop and start keeps every key written before. Never touches the shared Redis.
 *
 * Guarantees: every wait is bounded; the server dies with this process (exit handler),
 * and a detached watchdog kills it and removes the directory if this process is killed
 * outright.
 *
 * @example
 * ```ts
 * const redis = await startPrivateRedis()
 * await redis.stop() // Redis is down
 * await redis.start() // and back, with its data
 * afterAll(() => redis.destroy())
 * ```
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-private-redis-'))
  let server: ChildProcess | undefined
  let watchdog: ChildProcess | undefined
  let destroyed = false
  let port = 0

  const killNow = (): void => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL')
    if (watchdog?.exitCode === null) watchdog.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', killNow)

  const launch = async (): Promise<void> => {
    if (destroyed) throw new Error('private Redis was destroyed')
    if (server && server.exitCode === null && server.signalCode === null) return
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        HOST,
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--daemonize',
        'no',
        '--logfile',
        join(dir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    )
    child.unref()
    server = child
    if (watchdog?.exitCode === null) watchdog.kill('SIGKILL')
    watchdog = startWatchdog(child.pid as number, dir)
    const deadline = Date.now() + READY_TIMEOUT_MS
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`redis-server on port ${port} exited: ${tail(dir)}`)
      }
      const pong = await cli(port, ['ping']).catch(() => '')
      if (pong.trim() === 'PONG') return
      if (Date.now() >= deadline) {
        await terminate(child)
        throw new Error(`redis-server on port ${port} did not answer PING: ${tail(dir)}`)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  const stop = async (): Promise<void> => {
    if (server) await terminate(server)
  }

  const destroy = async (): Promise<void> => {
    if (destroyed) return
    destroyed = true
    process.removeListener('exit', killNow)
    await stop()
    if (watchdog?.exitCode === null) watchdog.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    let lastError: unknown
    for (let attempt = 0; attempt < 5; attempt++) {
      port = await freePort()
      try {
        await launch()
        lastError = undefined
        break
      } catch (error) {
        lastError = error
      }
    }
    if (lastError) throw lastError
  } catch (error) {
    await destroy()
    throw error
  }
  return { port, url: `redis://${HOST}:${port}`, start: launch, stop, destroy }
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, HOST, () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

/** SIGTERM (Redis then shuts down cleanly), SIGKILL if it has not exited in 10 s. */
async function terminate(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  server.kill('SIGTERM')
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
}

/** Kills the server and removes `dir` if this process disappears without cleaning up. */
function startWatchdog(pid: number, dir: string): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null; rm -rf '${dir}'`
  const watchdog = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true })
  watchdog.unref()
  return watchdog
}

function cli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'redis-cli',
      ['-h', HOST, '-p', String(port), ...args],
      { timeout: 2000, killSignal: 'SIGKILL' },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    )
  })
}

function tail(dir: string): string {
  try {
    return readFileSync(join(dir, 'redis.log'), 'utf8').slice(-500)
  } catch {
    return '(no log)'
  }
}
