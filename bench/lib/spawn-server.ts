import { type ChildProcess, spawn } from 'node:child_process'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { ListeningMessage } from './report-listening.js'

const benchDir = fileURLToPath(new URL('..', import.meta.url))

/** A server child that reported its port and can be stopped. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string
  /** The child's process id: a Redis target keeps its keys under a prefix naming it. */
  pid: number
  /** Terminates the child and resolves once it has exited and its output has all been read. Safe to call twice. */
  stop(): Promise<void>
}

export interface SpawnServerOptions {
  /** How long the child may take to compile and listen. @default 20_000 */
  startTimeoutMs?: number
  /** How long SIGTERM may take before SIGKILL. @default 5_000 */
  stopTimeoutMs?: number
  /** Node flags for the child before the entry (a probe's `--trace-gc`). @default none */
  nodeFlags?: readonly string[]
  /** Receives the child's standard output instead of this process's own. @default inherited */
  onStdout?: (chunk: string) => void
  /**
   * Writes the child's standard output to this open file instead (a probe reading what
   * V8 prints: V8 writes through C's stdio, which can lose bytes on the non-blocking pipe
   * that `onStdout` reads). Not with `onStdout`. @default inherited
   */
  stdoutFd?: number
}

// Children still alive when this process exits for any reason (a thrown error, a failed
// assertion) are killed here; the children also exit on their own when IPC disconnects.
const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

/** Kills `child` if it is still alive when this process exits (see `spawnServer`). */
export function trackChild(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
}

/**
 * Starts a server file in its own Node process, so the load generator never shares an event
 * loop (or, on a multi-core machine, a core) with the server it measures. The file and the
 * bench's own helpers are first bundled to plain JavaScript with esbuild; every package,
 * Tessera's included, stays an import loaded from node_modules, so Tessera runs from its
 * compiled `dist/` exactly as in an installed app (`npm run bench` and vitest's globalSetup
 * build it first). The child thus runs on plain Node: a TypeScript loader in the child (tsx)
 * taxes every promise and would penalise the stacks with more awaits, which production code
 * never pays. The child reports its port over IPC (see `reportListening`).
 *
 * @example
 * const server = await spawnServer(fileURLToPath(new URL('../servers/node-http.ts', import.meta.url)))
 * try { await fetch(server.url) } finally { await server.stop() }
 */
export function spawnServer(
  file: string,
  options: SpawnServerOptions = {},
): Promise<RunningServer> {
  const name = basename(file)
  return bundle(file).then((entry) => start(entry, name, options))
}

/** Bundles `file` with esbuild into `.build/` (packages stay imports from node_modules) and returns the output path. */
export async function bundle(file: string): Promise<string> {
  const outfile = join(benchDir, '.build', `${basename(file, '.ts')}.mjs`)
  await build({
    entryPoints: [file],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay imports, loaded from node_modules as an application loads them. The
    // root tsconfig.json would map @tessera/* to the TypeScript sources through `paths`,
    // which esbuild applies before `packages`; the base config has no `paths`.
    packages: 'external',
    tsconfig: join(benchDir, '..', 'tsconfig.base.json'),
    logLevel: 'warning',
  })
  return outfile
}

function start(entry: string, name: string, options: SpawnServerOptions): Promise<RunningServer> {
  const { startTimeoutMs = 20_000, stopTimeoutMs = 5_000, nodeFlags = [], onStdout } = options
  const stdout = options.stdoutFd ?? (onStdout ? 'pipe' : 'inherit')
  // BENCH_CPU_PROF=<dir>: the child writes a V8 CPU profile there when it exits (see
  // profile-top.ts); the profiler's own cost lowers that run's numbers.
  const profileDir = process.env.BENCH_CPU_PROF
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const child = spawn(process.execPath, [...nodeFlags, ...profile, entry], {
    cwd: benchDir,
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  })
  if (onStdout) child.stdout?.setEncoding('utf8').on('data', onStdout)
  trackChild(child)
  const stop = (): Promise<void> => stopChild(child, stopTimeoutMs)

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`${name} did not report a port within ${startTimeoutMs} ms`))
    }, startTimeoutMs)
    const onMessage = (message: unknown): void => {
      if (!isListeningMessage(message)) return
      settle()
      resolve({ url: `http://127.0.0.1:${message.port}`, pid: child.pid as number, stop })
    }
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      fail(new Error(`${name} exited before listening (code ${code}, signal ${signal})`))
    }
    const onError = (error: Error): void => fail(error)
    function settle(): void {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      child.off('error', onError)
    }
    function fail(error: Error): void {
      settle()
      stop().then(
        () => reject(error),
        () => reject(error),
      )
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
    child.once('error', onError)
  })
}

// Resolves on 'close', not 'exit': a child's last output can still sit in its stdout pipe
// when it has exited, and 'close' comes once every one of its streams has ended, so
// `onStdout` has had all of it.
function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    if (child.stdout === null || child.stdout.closed) {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
    } else child.stdout.once('close', () => resolve())
  })
  if (child.exitCode === null && child.signalCode === null) {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('exit', () => clearTimeout(timer))
    child.kill('SIGTERM')
  }
  return closed
}

function isListeningMessage(message: unknown): message is ListeningMessage {
  if (typeof message !== 'object' || message === null) return false
  const { type, port } = message as Partial<ListeningMessage>
  return type === 'listening' && Number.isInteger(port) && (port ?? 0) > 0
}
