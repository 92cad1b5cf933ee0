// The one build: `node scripts/build.mjs [tsc -b projects…]` compiles the given projects
// (default: every package and the demo) with `tsc -b`, then bundles @tessera/core's two
// entry points into packages/core/dist/bundle/, which its exports map points at. Every
// build path runs this (npm run build, each package's build and prepack, the tests'
// global setup, the demo's `npm start`, the bench), so the bundle is never older than the
// compiled modules it is made from.
//
// Why a bundle: @tessera/core compiles to about 150 ES modules. Loading that many through
// Node's ESM loader left `process.nextTick` on a slow path for the process's whole life
// (about 215–400 ns a call instead of 50 ns, measured in the bench's servers), and Node's
// HTTP stack calls it several times per request. Three modules (two entries and one
// shared chunk) load without it. bench/README.md "How many modules load" has the numbers.
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)

/** Runs `tsc -b` on `projects` (paths relative to `cwd`); throws with tsc's output on failure. */
function compile(projects, cwd) {
  const tsc = require.resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-b', ...projects], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * Bundles packages/core/dist/index.js and adapter.js (tsc's output) into
 * packages/core/dist/bundle/: the two entries plus the chunks they share, so both entries
 * see one copy of every class and module-level value. Packages stay imports. Skipped when
 * core has not been compiled (a build of a project that does not include it).
 *
 * Several builds may run at once (two vitest runs in one checkout each run this in their
 * global setup) while other processes load the bundle, so it is never emptied: esbuild
 * builds in memory, an unchanged file is left alone but for its time (the usual case),
 * a changed one is replaced by a rename (never seen half-written), and a chunk
 * no entry uses any more is removed last.
 */
async function bundleCore() {
  const dist = `${root}packages/core/dist/`
  if (!existsSync(`${dist}index.js`) || !existsSync(`${dist}adapter.js`)) return
  const outdir = `${dist}bundle`
  const { build } = await import('esbuild')
  const { outputFiles } = await build({
    entryPoints: [`${dist}index.js`, `${dist}adapter.js`],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    packages: 'external',
    // Stack traces map through tsc's own maps back to src/ (shipped in the package).
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  })
  mkdirSync(outdir, { recursive: true })
  const wanted = new Set()
  // Chunks and maps before the entries that import them.
  const entry = (path) => /[/\\](index|adapter)\.js$/.test(path)
  const ordered = [...outputFiles].sort((a, b) => Number(entry(a.path)) - Number(entry(b.path)))
  for (const file of ordered) {
    wanted.add(file.path)
    if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) {
      // Unchanged, but built from what tsc just wrote: its time says so (a bundle older
      // than a compiled module reads as stale).
      const now = new Date()
      utimesSync(file.path, now, now)
      continue
    }
    const temporary = `${file.path}.${process.pid}.tmp`
    writeFileSync(temporary, file.contents)
    renameSync(temporary, file.path)
  }
  for (const name of readdirSync(outdir)) {
    const path = `${outdir}/${name}`
    if (!wanted.has(path) && !name.endsWith('.tmp')) rmSync(path, { force: true })
  }
}

const args = process.argv.slice(2)
try {
  if (args.length > 0) compile(args, process.cwd())
  else compile(['tsconfig.build.json', 'apps/demo/tsconfig.build.json'], root)
} catch (error) {
  process.stdout.write(String(error.stdout ?? ''))
  process.stderr.write(String(error.stderr ?? error.message ?? error))
  process.exit(1)
}
await bundleCore()
