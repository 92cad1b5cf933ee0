// Where each target's server allocates, per response of the read path: V8's sampling heap
// profiler (every 512 bytes on average, the objects the collectors free included) over 3 s
// of `GET /` at 50 connections after a 2 s warm-up, each sample's bytes given to the
// function that allocated it. Prints the total, then the bytes per response by function
// and by package, largest first.
//
//   node --import tsx probe/allocation-sites.ts express-redis-floor tessera-express-redis
//   BENCH_ALLOCATION_ROWS=40 node --import tsx probe/allocation-sites.ts tessera-express
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { checked, measure } from '../lib/measure.js'
import { prepareRead } from '../lib/prepare-read.js'
import { spawnServer } from '../lib/spawn-server.js'
import { bundledTarget, type TargetId } from '../lib/targets.js'

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: ProfileNode[]
}

const ids = process.argv.slice(2) as TargetId[]
const rows = Number(process.env.BENCH_ALLOCATION_ROWS ?? 25)
const preload = fileURLToPath(new URL('./heap-sampling-preload.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'tessera-heap-'))

/** The package (or Node's module) a script URL belongs to. */
function placeOf(url: string): string {
  if (url === '') return '(V8)'
  if (url.startsWith('node:')) return url
  const modules = url.lastIndexOf('node_modules/')
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/')
    return (rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]) ?? url
  }
  const packages = /\/packages\/([^/]+)\//.exec(url)
  return packages ? `@tessera/${packages[1]}` : basename(url)
}

try {
  for (const id of ids) {
    const out = join(dir, `${id}.heapprofile`)
    process.env.HEAP_SAMPLING_OUT = out
    let printed = ''
    // The preload's line, within 10 s: a child that died or never got the signal fails the
    // probe instead of holding it forever.
    const said = async (line: string): Promise<void> => {
      for (let waited = 0; !printed.includes(line); waited += 20) {
        if (waited >= 10_000) throw new Error(`${id} did not print "${line}" within 10 s`)
        await sleep(20)
      }
    }
    const target = bundledTarget(id)
    const server = await spawnServer(target.file, {
      nodeFlags: [`--import=${preload}`],
      onStdout: (chunk) => {
        printed += chunk
      },
    })
    let n: number
    try {
      const load = await prepareRead(target, server.url)
      checked(id, await measure({ ...load, durationSeconds: 2 }))
      process.kill(server.pid, 'SIGUSR2')
      await said('=== heap sampling started')
      n = checked(id, await measure({ ...load, durationSeconds: 3 })).responses2xx
      process.kill(server.pid, 'SIGUSR2')
      await said('=== heap sampling written')
    } finally {
      await server.stop()
    }
    const bytes = new Map<string, number>()
    const byPlace = new Map<string, number>()
    let total = 0
    const visit = (node: ProfileNode): void => {
      const { functionName, url, lineNumber } = node.callFrame
      const place = placeOf(url)
      const key = `${functionName || '(anonymous)'} ${place}:${lineNumber + 1}`
      bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize)
      byPlace.set(place, (byPlace.get(place) ?? 0) + node.selfSize)
      total += node.selfSize
      for (const child of node.children) visit(child)
    }
    visit((JSON.parse(readFileSync(out, 'utf8')) as { head: ProfileNode }).head)
    const print = (entries: Map<string, number>, count: number): void => {
      for (const [key, size] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, count)) {
        console.log(`  ${(size / n).toFixed(0).padStart(6)} B  ${key}`)
      }
    }
    console.log(`${id}: ${n} responses, ${(total / n / 1024).toFixed(1)} KB sampled per response`)
    print(bytes, rows)
    // V8 gives an inlined function's allocations to the function it was inlined into, so
    // the split between functions moves from one start to the next; the sums by package
    // (or by Node module, or the bench's own bundle) move less.
    console.log('  by package or module:')
    print(byPlace, rows)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
