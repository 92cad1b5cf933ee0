import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The installed binary, exactly what `npx tessera` runs after `npm ci`. */
export const TESSERA_BIN = fileURLToPath(
  new URL('../../../../node_modules/.bin/tessera', import.meta.url),
)

/** What one run of the binary did. */
export interface TesseraRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs the real `tessera` binary as a user would (its own process, no shell), with
 * `env` on top of a minimal environment (no inherited TESSERA_* variables), and
 * resolves when it exits. Never rejects on a non-zero exit: tests assert on `code`.
 */
export function tessera(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<TesseraRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
  }
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR
  return new Promise((resolve) => {
    execFile(
      TESSERA_BIN,
      args,
      {
        env: { ...env, ...options.env },
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Asserts-friendly view: the lines of `text` without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1)
}
