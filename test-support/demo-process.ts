import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ServiceProcess, startServiceProcess } from './service-process.js'

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'demo')

/**
 * A demo server in its own process, running the compiled demo (`dist/main.js`) as `npm start`
 * does after its build step; vitest's globalSetup builds it and its packages first.
 */
export type DemoProcess = ServiceProcess

/**
 * Starts the demo on a free port with `env` on top of a clean default: SQLite unless
 * `env` names a store (an inherited REDIS_URL/DATABASE_URL never leaks in). Resolves
 * once it printed both its listening line and its `Sessions:` line.
 */
export function startDemoProcess(
  env: Record<string, string>,
  timeoutMs = 40_000,
): Promise<DemoProcess> {
  return startServiceProcess(
    demoDir,
    'dist/main.js',
    { PORT: '0', HOST: '127.0.0.1', REDIS_URL: '', DATABASE_URL: '', ...env },
    [/listening on (http:\/\/127\.0\.0\.1:\d+)\n/, /Sessions: [^\n]*\n/],
    timeoutMs,
  )
}
