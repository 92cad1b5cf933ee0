import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Vitest global setup: compiles every package and the demo to their `dist/` with `tsc -b`
 * (what `npm run build` runs; incremental, about a second when nothing changed) before any
 * test file runs. In-process tests read the TypeScript sources through vitest's aliases,
 * but the `tessera` binary, the demo processes (`apps/demo/dist/main.js`), the bench's
 * servers, the Next.js example's build and the consumer check run the compiled packages,
 * exactly as an installed user would, so a fresh clone must build before they start.
 */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  try {
    execFileSync(
      process.execPath,
      [tsc, '-b', 'tsconfig.build.json', 'apps/demo/tsconfig.build.json'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
  } catch (error) {
    const out = error as { stdout?: Buffer; stderr?: Buffer }
    throw new Error(`tsc -b failed, so dist/ is stale:\n${out.stdout ?? ''}${out.stderr ?? ''}`)
  }
}
