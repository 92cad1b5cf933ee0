// `node --import tsx probe/gc-per-request.ts [target …]`: what each target's server
// leaves to V8's garbage collector per response of the read path. Each target runs in its
// own child with `--trace-gc`, as `bench:goals` starts it; after a 2 s warm-up, 6 s of
// `GET /` at 50 connections, and the collections the child printed in those 6 s are
// counted: young-generation scavenges per 10,000 responses and their pause per response
// (a scavenge costs what survives it), full mark-compacts (what reached the old
// generation), the heap's growth between collections per response (what was allocated),
// and the server's CPU per response (`/proc`, `--trace-gc`'s printing
// included: compare targets and builds with each other, not with `bench:goals`). The
// default targets are the Hono Redis line, its floor and Tessera Hono on SQLite.
// (README.md: the `DeadlineQueue` row of "What changed".)
import { checked, measure } from '../lib/measure.js'
import { prepareRead } from '../lib/prepare-read.js'
import { processCpuSeconds } from '../lib/process-cpu.js'
import { spawnServer } from '../lib/spawn-server.js'
import { bundledTarget, type TargetId } from '../lib/targets.js'

const ids = (
  process.argv.length > 2
    ? process.argv.slice(2)
    : ['tessera-hono-redis', 'hono-redis-floor', 'tessera-hono']
) as TargetId[]

for (const id of ids) {
  // Every response must be the verified echo, as in `bench:goals` (`checked`).
  const target = bundledTarget(id)
  let counting = false
  let scavenges = 0
  let scavengeMs = 0
  let markCompacts = 0
  // Heap growth between collections: each one's size before, minus the last one's after.
  let allocatedMb = 0
  let lastAfterMb: number | undefined
  let partial = ''
  const onStdout = (chunk: string): void => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    if (!counting) return
    for (const line of lines) {
      // "[pid:0x…]  2406 ms: Scavenge 32.8 (51.3) -> 19.3 (51.5) MB, 1.71 / 0.00 ms …"
      const pause = /MB, ([\d.]+) \//.exec(line)
      const sizes = /: (?:Scavenge|Mark-Compact) ([\d.]+) \([\d.]+\) -> ([\d.]+) /.exec(line)
      if (sizes) {
        if (lastAfterMb !== undefined) allocatedMb += Number(sizes[1]) - lastAfterMb
        lastAfterMb = Number(sizes[2])
      }
      if (line.includes(': Scavenge ')) {
        scavenges++
        scavengeMs += Number(pause?.[1] ?? 0)
      } else if (line.includes(': Mark-Compact ')) markCompacts++
    }
  }
  const server = await spawnServer(target.file, { nodeFlags: ['--trace-gc'], onStdout })
  try {
    const load = await prepareRead(target, server.url)
    checked(id, await measure({ ...load, durationSeconds: 2 }))
    counting = true
    const before = processCpuSeconds(server.pid) ?? Number.NaN
    const { responses2xx: n } = checked(id, await measure({ ...load, durationSeconds: 6 }))
    const cpu = (processCpuSeconds(server.pid) ?? Number.NaN) - before
    counting = false
    const perResponse = ((scavengeMs * 1000) / n).toFixed(2)
    console.log(
      `${id}: ${n} responses, server CPU ${((cpu * 1e6) / n).toFixed(1)} µs per response; ` +
        `${((scavenges * 10_000) / n).toFixed(1)} scavenges per 10,000, ` +
        `${perResponse} µs of scavenge pause per response; ${markCompacts} mark-compacts; ` +
        `${((allocatedMb * 1024) / n).toFixed(1)} KB allocated per response`,
    )
  } finally {
    await server.stop()
  }
}
