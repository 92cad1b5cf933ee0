import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { repoRoot } from './demo-server.js'

/** `deploy/nginx/tessera.conf.template`: the configuration the deployment guide ships. */
export const NGINX_TEMPLATE = join(repoRoot, 'deploy', 'nginx', 'tessera.conf.template')

/** The `nginx` the TLS tests run: `NGINX_PATH`, else Debian's `/usr/sbin/nginx`. */
export function nginxPath(): string {
  return process.env.NGINX_PATH || '/usr/sbin/nginx'
}

/**
 * The deployment template with its `${NAME}` variables filled in, as the official nginx
 * image's entrypoint does (envsubst); nginx's own `$variables` are left alone.
 *
 * @throws when the template names a variable `values` lacks.
 */
export function renderNginxTemplate(values: Record<string, string>): string {
  return readFileSync(NGINX_TEMPLATE, 'utf8').replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`nginx template: no value for \${${name}}`)
    return value
  })
}

/**
 * A whole `nginx.conf` around `servers` (server and upstream blocks) for an nginx run
 * by this user under `prefix`: pid, logs and temp files there, no daemon, no system
 * paths. The access log records the protocol and the upstream that answered.
 */
function mainConfig(prefix: string, servers: string): string {
  // Root runs its workers as `nobody` unless told: they could not read the test keys.
  const user = process.getuid?.() === 0 ? 'user root;\n' : ''
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `    ${t}_temp_path ${join(prefix, `${t}_temp`)};`)
    .join('\n')
  return `${user}worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} info;
events { worker_connections 256; }
http {
    default_type application/octet-stream;
    types { text/html html; }
    log_format tessera '$host "$request" $status $server_protocol upstream=$upstream_addr';
    access_log ${join(prefix, 'access.log')} tessera;
${temp}
${servers}
}
`
}

/** A running nginx of the test's own. */
export interface NginxProxy {
  /** What it logged so far: `access.log` (one line per request) and `error.log`. */
  accessLog(): string
  errorLog(): string
  stop(): Promise<void>
}

/**
 * Writes `nginx.conf` under `prefix` around `servers` and checks it with `nginx -t`;
 * resolves to what `nginx -t` printed (it fails on a bad configuration).
 */
export async function testNginxConfig(prefix: string, servers: string): Promise<string> {
  const conf = writeConfig(prefix, servers)
  const { stderr } = await promisify(execFile)(nginxPath(), ['-t', ...args(prefix, conf)])
  return stderr
}

/**
 * Starts nginx in the foreground (`daemon off`) under `prefix` and resolves once `port`
 * accepts connections on 127.0.0.1.
 */
export async function startNginx(
  prefix: string,
  servers: string,
  port: number,
): Promise<NginxProxy> {
  const conf = writeConfig(prefix, servers)
  const child: ChildProcess = spawn(nginxPath(), [...args(prefix, conf), '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const read = (name: string) => {
    try {
      return readFileSync(join(prefix, name), 'utf8')
    } catch {
      return ''
    }
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGQUIT')
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(killer)
  }
  const deadline = Date.now() + 20_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`nginx did not listen on ${port}:\n${output}\n${read('error.log')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { accessLog: () => read('access.log'), errorLog: () => read('error.log'), stop }
}

function writeConfig(prefix: string, servers: string): string {
  mkdirSync(prefix, { recursive: true })
  const conf = join(prefix, 'nginx.conf')
  writeFileSync(conf, mainConfig(prefix, servers))
  return conf
}

// -e: nginx opens its compiled-in error log before it reads the configuration.
const args = (prefix: string, conf: string) => [
  '-p',
  prefix,
  '-c',
  conf,
  '-e',
  join(prefix, 'error.log'),
]

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
