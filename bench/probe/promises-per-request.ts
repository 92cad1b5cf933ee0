// `node --import tsx probe/promises-per-request.ts [target …]`: how many promises (and
// other async resources: tick objects, immediates, timers) each target's server creates
// per response of the read path, and where. Each target runs in its own child, as
// `bench:goals` starts it, with `probe/count-async-resources.mjs` preloaded: an
// `async_hooks` init hook that counts resources by type while counting is on. After a
// 1 s warm-up, 3 s of `GET /` at 50 connections are counted, and the count is divided
// by the responses. With `BENCH_PROMISE_SITES=1`, each promise's creation site (the
// first four frames of its stack) is printed with its count per response (the child
// inherits the variable).
//
// The hook is itself a cost (V8 then materialises every `await`'s throwaway promise, and
// runs the hook for each), so the child is slow while counting: compare counts, not time.
// The default targets are the Hono Redis line and its floor.
// (README.md: "Promises per request".)
import { fileURLToPath } from 'node:url'
import { checked, measure } from '../lib/measure.js'
import { prepareRead } from '../lib/prepare-read.js'
import { spawnServer } from '../lib/spawn-server.js'
import { bundledTarget, type TargetId } from '../lib/targets.js'

const ids = (
  process.argv.length > 2 ? process.argv.slice(2) : ['tessera-hono-redis', 'hono-redis-floor']
) as TargetId[]
const preload = fileURLToPath(new URL('./count-async-resources.mjs', import.meta.url))

for (const id of ids) {
  // Every response must be the verified echo, as in `bench:goals` (`checked`).
  const target = bundledTarget(id)
  const lines: string[] = []
  let partial = ''
  const onStdout = (chunk: string): void => {
    const all = (partial + chunk).split('\n')
    partial = all.pop() ?? ''
    lines.push(...all.filter((line) => line.startsWith('async-resources ')))
  }
  const server = await spawnServer(target.file, {
    nodeFlags: ['--import', preload],
    onStdout,
  })
  try {
    const load = await prepareRead(target, server.url)
    checked(id, await measure({ ...load, durationSeconds: 1 }))
    process.kill(server.pid, 'SIGUSR2') // counting on
    const { responses2xx: n } = checked(id, await measure({ ...load, durationSeconds: 3 }))
    const printed = lines.length
    process.kill(server.pid, 'SIGUSR2') // counting off: the child prints its counts
    for (let i = 0; i < 100 && lines.length === printed; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const line = lines.length > printed ? lines.at(-1) : undefined
    if (line === undefined) throw new Error(`${id}: the server printed no counts within 2 s`)
    const report = JSON.parse(line.slice('async-resources '.length)) as {
      types: Record<string, number>
      sites?: Record<string, number>
    }
    const perResponse = (count: number): string => (count / n).toFixed(2)
    const types = Object.entries(report.types)
      .filter(([, count]) => count / n >= 0.01)
      .map(([type, count]) => `${type} ${perResponse(count)}`)
    console.log(`${id}: ${n} responses; per response: ${types.join(', ')}`)
    for (const [site, count] of Object.entries(report.sites ?? {}).sort((a, b) => b[1] - a[1])) {
      if (count / n >= 0.01) console.log(`  ${perResponse(count)}  ${site}`)
    }
  } finally {
    await server.stop()
  }
}
