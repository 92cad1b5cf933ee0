import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * Decides what a test file does when a service it needs (Chromium, Redis, PostgreSQL)
 * is missing. Locally the file skips with one visible `SKIP <name>: <reason>` line; with
 * `TESSERA_REQUIRE_SERVICES=1` (as CI sets) it throws, so the file fails instead of
 * passing silently.
 *
 * @example
 * ```ts
 * const gate = serviceGate('chromium', isExecutableFile(chromiumPath()), 'not installed')
 * describe.skipIf(gate.skip)('in a browser', () => { ... })
 * ```
 */
export function serviceGate(name: string, available: boolean, reason: string): { skip: boolean } {
  if (available) return { skip: false }
  if (process.env.TESSERA_REQUIRE_SERVICES === '1') {
    throw new Error(`${name} is required (TESSERA_REQUIRE_SERVICES=1) but unavailable: ${reason}`)
  }
  console.warn(`SKIP ${name}: ${reason}`)
  return { skip: true }
}

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`.
 * @default '/usr/bin/chromium'
 */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium'
}

/** True when `path` is a regular file (after symlinks) that this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** True when an executable called `name` is on `PATH` (e.g. `redis-server`). */
export function onPath(name: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && isExecutableFile(join(dir, name)))
}
