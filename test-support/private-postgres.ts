import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './private-redis.js'

/** A PostgreSQL server of one test file's own, which the test may stop and start again. */
export interface PrivatePostgres {
  port: number
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  url: string
  /** Starts the server again on the same port and data directory. */
  start(): Promise<void>
  /** `pg_ctl stop -m fast`: ends every connection, checkpoints, waits for the exit. */
  stop(): Promise<void>
  /** Stops the server (immediately) and removes its directory. Idempotent. */
  destroy(): Promise<void>
}

const HOST = '127.0.0.1'
const PG_ROOT = '/usr/lib/postgresql'
const INITDB_TIMEOUT_MS = 60_000
const CTL_TIMEOUT_S = 20

/**
 * The `bin` directory of the newest PostgreSQL under `/usr/lib/postgresql` that has
 * `initdb` and `pg_ctl`, or `undefined`.
 */
export function postgresBinDir(): string | undefined {
  let versions: string[]
  try {
    versions = readdirSync(PG_ROOT)
  } catch {
    return undefined
  }
  const dirs = versions
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(PG_ROOT, v, 'bin'))
  return dirs.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')))
}

/**
 * Why a private PostgreSQL cannot be started here (`undefined` when it can): it needs
 * root (to run the server as the `postgres` user), `runuser`, that user, and a
 * PostgreSQL under `/usr/lib/postgresql`.
 */
export function privatePostgresUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (runs initdb as the postgres user)'
  if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'no runuser'
  if (postgresUid() === undefined) return 'no postgres user'
  if (postgresBinDir() === undefined) return `no initdb/pg_ctl under ${PG_ROOT}/<version>/bin`
  return undefined
}

/**
 * Creates a cluster with `initdb` (trust authentication, superuser `postgres`) in a
 * fresh temp directory owned by the `postgres` user, and starts it on a free loopback
 * port with its socket in that directory. Never touches the shared server.
 *
 * Guarantees: every command is bounded (initdb 60 s, pg_ctl 20 s); the server is
 * stopped and the directory removed when this process exits, and by a detached
 * watchdog if this process is killed outright.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir()
  const uid = postgresUid()
  if (!bin || uid === undefined) throw new Error(privatePostgresUnavailable())
  const base = mkdtempSync(join(tmpdir(), 'tessera-private-pg-'))
  chownSync(base, uid.uid, uid.gid)
  const data = join(base, 'data')
  const log = join(base, 'postgres.log')
  const pgCtl = join(bin, 'pg_ctl')
  let port = 0
  let destroyed = false

  const immediateStopArgs = ['-u', 'postgres', '--', pgCtl, '-D', data, '-m', 'immediate', 'stop']
  const killNow = (): void => {
    try {
      execFileSync('runuser', immediateStopArgs, { stdio: 'ignore', timeout: 10_000 })
    } catch {}
    rmSync(base, { recursive: true, force: true })
  }
  process.once('exit', killNow)
  const watchdog: ChildProcess = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; runuser ${immediateStopArgs.join(' ')} >/dev/null 2>&1; rm -rf '${base}'`,
    ],
    { stdio: 'ignore', detached: true },
  )
  watchdog.unref()

  const start = async (): Promise<void> => {
    if (destroyed) throw new Error('private PostgreSQL was destroyed')
    await run(
      'runuser',
      [
        '-u',
        'postgres',
        '--',
        pgCtl,
        '-D',
        data,
        '-l',
        log,
        '-o',
        `-p ${port} -k ${base} -c listen_addresses=${HOST} -c fsync=off`,
        '-w',
        '-t',
        String(CTL_TIMEOUT_S),
        'start',
      ],
      (CTL_TIMEOUT_S + 5) * 1000,
      log,
    )
  }
  const stop = async (): Promise<void> => {
    await run(
      'runuser',
      [
        '-u',
        'postgres',
        '--',
        pgCtl,
        '-D',
        data,
        '-m',
        'fast',
        '-w',
        '-t',
        String(CTL_TIMEOUT_S),
        'stop',
      ],
      (CTL_TIMEOUT_S + 5) * 1000,
      log,
    )
  }
  const destroy = async (): Promise<void> => {
    if (destroyed) return
    destroyed = true
    process.removeListener('exit', killNow)
    await run('runuser', immediateStopArgs, (CTL_TIMEOUT_S + 5) * 1000, log).catch(() => undefined)
    if (watchdog.exitCode === null) watchdog.kill('SIGKILL')
    rmSync(base, { recursive: true, force: true })
  }

  try {
    await run(
      'runuser',
      [
        '-u',
        'postgres',
        '--',
        join(bin, 'initdb'),
        '-D',
        data,
        '-A',
        'trust',
        '-U',
        'postgres',
        '-N',
      ],
      INITDB_TIMEOUT_MS,
      log,
    )
    let lastError: unknown
    for (let attempt = 0; attempt < 3; attempt++) {
      port = await freePort()
      try {
        await start()
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
  return { port, url: `postgres://postgres@${HOST}:${port}/postgres`, start, stop, destroy }
}

function postgresUid(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined
  } catch {
    return undefined
  }
}

function run(command: string, args: string[], timeout: number, log: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout)
      let tail = ''
      try {
        tail = readFileSync(log, 'utf8').slice(-800)
      } catch {}
      reject(
        new Error(
          `${args.slice(3, 4).join('') || command} failed: ${error.message} ${stderr} ${tail}`,
        ),
      )
    })
  })
}
