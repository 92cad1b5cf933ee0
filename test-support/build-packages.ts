import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Vitest global setup: runs `scripts/build.mjs` (what `npm run build` runs: `tsc -b` of
 * every package and the demo, incremental, then @tessera/core's bundle) before any test
 * file runs. In-process tests read the TypeScript sources through vitest's aliases, but
 * the `tessera` binary, the demo processes (`apps/demo/dist/main.js`), the bench's
 * servers, the Next.js example's build and the consumer check run the compiled packages,
 * exactly as an installed user would, so a fresh clone must build before they start.
 */
export default function setup(): void {
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    const out = error as { stdout?: Buffer; stderr?: Buffer }
    throw new Error(`the build failed, so dist/ is stale:\n${out.stdout ?? ''}${out.stderr ?? ''}`)
  }
}
