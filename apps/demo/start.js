// `npm start`: the demo as compiled JavaScript, with no TypeScript loader. The repo's build
// (scripts/build.mjs: `tsc -b`, then @tessera/core's bundle) first builds the demo and
// every package it imports into their dist/ when missing or stale (incremental: it only
// checks timestamps when nothing changed), as src/web.ts does for the SPA; then the server
// runs in this process, so signals and the exit code are its own.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const build = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url))
const project = fileURLToPath(new URL('./tsconfig.build.json', import.meta.url))
try {
  execFileSync(process.execPath, [build, project], { stdio: 'inherit' })
} catch {
  console.error('demo: the TypeScript build failed (see above); not starting')
  process.exit(1)
}
await import('./dist/main.js')
