// `node --import tsx profile-top.ts <file.cpuprofile>…`: the functions with the most self
// time in V8 CPU profiles (as written by `BENCH_CPU_PROF=<dir> npm run bench`), so
// README.md's "Where the time goes" can be re-measured. BENCH_PROFILE_TOP: rows (default 25);
// BENCH_PROFILE_BY=package: the self time of each package (a dependency, a workspace package,
// a Node module) instead of each function.
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('usage: node --import tsx profile-top.ts <file.cpuprofile>…')
  process.exit(1)
}
const rows = Number(process.env.BENCH_PROFILE_TOP ?? 25)
const byPackage = process.env.BENCH_PROFILE_BY === 'package'
const selfMicros = new Map<string, number>()
let totalMicros = 0
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0
    totalMicros += micros
    const frame = byId.get(id)?.callFrame
    if (frame === undefined) return
    const key =
      byPackage && frame.url !== ''
        ? packageOf(frame.url)
        : `${frame.functionName || '(anonymous)'}  ${where(frame.url, frame.lineNumber)}`
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros)
  })
}

const idle = selfMicros.get('(idle)  ') ?? 0
console.log(
  `${files.length} profile(s), ${(totalMicros / 1e6).toFixed(1)} s sampled, ` +
    `${(((totalMicros - idle) / totalMicros) * 100).toFixed(0)}% busy; self time${byPackage ? ' by package' : ''}, % of busy time:`,
)
const busy = totalMicros - idle
for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
  if (key.startsWith('(idle)')) continue
  console.log(`${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${key}`)
}

/** A frame's file relative to the repo (node_modules paths kept short), with its line. */
function where(url: string, line: number): string {
  if (url === '') return ''
  if (url.startsWith('node:')) return `${url}:${line + 1}`
  const path = url.replace(/^file:\/\//, '')
  const short = path.includes('node_modules/')
    ? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
    : relative(new URL('..', import.meta.url).pathname, path)
  return `${short}:${line + 1}`
}

/**
 * The package a frame's file belongs to: a dependency's name, `@tessera/<dir>` for a workspace
 * package, `node:<module>` (with its first internal folder), or the file itself.
 */
function packageOf(url: string): string {
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/')
  const path = url.replace(/^file:\/\//, '')
  const dependency = path.match(/.*node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (dependency) return dependency[1] as string
  const workspace = path.match(/\/packages\/([^/]+)\//)
  if (workspace) return `@tessera/${workspace[1]}`
  return relative(new URL('..', import.meta.url).pathname, path)
}
