import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A throwaway Redis Cluster of three masters on loopback, and how to end it. */
export interface RedisCluster {
  nodes: { host: string; port: number }[]
  /** Kills the servers and removes their directory. Idempotent. */
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const MASTERS = 3
const READY_TIMEOUT_MS = 30_000

/**
 * Starts three `redis-server` processes in cluster mode on free loopback ports
 * (30000–39999, with their bus ports +10000 free too), joins them with
 * `redis-cli --cluster create`, and resolves once every node reports
 * `cluster_state:ok`. Nothing is persisted; all files live in one temp directory.
 *
 * Guarantees: every wait is bounded (30 s in all); on failure the servers are killed
 * before the promise rejects. The servers also die when this process exits, and a
 * detached watchdog kills them and removes the directory should this process be
 * killed outright (SIGKILL), so no test run leaves Redis processes behind.
 *
 * @example
 * ```ts
 * const cluster = await startRedisCluster()
 * const client = new Cluster(cluster.nodes)
 * afterAll(async () => { await client.quit(); await cluster.stop() })
 * ```
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  const dir = mkdtempSync(join(tmpdir(), 'tessera-redis-cluster-'))
  const servers: ChildProcess[] = []
  let watchdog: ChildProcess | undefined
  let stopped = false

  const killAll = (): void => {
    for (const server of servers) if (server.exitCode === null) server.kill('SIGKILL')
    if (watchdog?.exitCode === null) watchdog.kill('SIGKILL')
  }
  process.once('exit', killAll)

  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    process.removeListener('exit', killAll)
    await Promise.all(servers.map((server) => terminate(server)))
    if (watchdog?.exitCode === null) watchdog.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    const ports: number[] = []
    for (let i = 0; i < MASTERS; i++) {
      const { port, server } = await startNode(dir, ports, deadline)
      ports.push(port)
      servers.push(server)
    }
    watchdog = startWatchdog(
      servers.map((s) => s.pid as number),
      dir,
    )
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `${HOST}:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      deadline,
    )
    for (const port of ports) {
      await until(deadline, `node ${port} to report cluster_state:ok`, async () =>
        (await redisCli(port, ['cluster', 'info'], deadline)).includes('cluster_state:ok'),
      )
    }
    return { nodes: ports.map((port) => ({ host: HOST, port })), stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Starts one node on a free port; retries with another port if that one was taken. */
async function startNode(
  dir: string,
  taken: number[],
  deadline: number,
): Promise<{ port: number; server: ChildProcess }> {
  let lastError: unknown
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort(taken)
    const server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        HOST,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--logfile',
        join(dir, `redis-${port}.log`),
      ],
      { stdio: 'ignore' },
    )
    server.unref()
    try {
      await until(deadline, `redis-server on port ${port} to answer PING`, async () => {
        if (server.exitCode !== null || server.signalCode !== null) {
          throw new Error(`redis-server on port ${port} exited: ${tail(dir, port)}`)
        }
        return (await redisCli(port, ['ping'], deadline).catch(() => '')).trim() === 'PONG'
      })
      return { port, server }
    } catch (error) {
      lastError = error
      await terminate(server)
    }
  }
  throw lastError
}

/** A port in 30000–39999 free on loopback, with its cluster bus port (+10000) free too. */
async function freePort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 30_000 + Math.floor(Math.random() * 10_000)
    if (taken.includes(port)) continue
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port
  }
  throw new Error('no free port pair found in 30000–39999')
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, HOST, () => probe.close(() => resolve(true)))
  })
}

/** Kills the servers and removes `dir` if this process disappears without cleaning up. */
function startWatchdog(pids: number[], dir: string): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pids.join(' ')} 2>/dev/null; rm -rf '${dir}'`
  const watchdog = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true })
  watchdog.unref()
  return watchdog
}

async function terminate(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  server.kill('SIGTERM')
  const timer = setTimeout(() => server.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

function redisCli(port: number, args: string[], deadline: number): Promise<string> {
  return run('redis-cli', ['-h', HOST, '-p', String(port), ...args], deadline)
}

function run(command: string, args: string[], deadline: number): Promise<string> {
  const timeout = Math.max(1, Math.min(10_000, deadline - Date.now()))
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${command} ${args.join(' ')} failed: ${error.message} ${stderr}`))
      else resolve(stdout)
    })
  })
}

async function until(deadline: number, what: string, check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await check()) return
    if (Date.now() >= deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function tail(dir: string, port: number): string {
  try {
    return readFileSync(join(dir, `redis-${port}.log`), 'utf8').slice(-500)
  } catch {
    return '(no log)'
  }
}
