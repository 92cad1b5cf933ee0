// `node --import tsx probe/tick-feedback.ts [target …]`: which state of "Fastify's slow
// starts" (README.md) a server lands in when it starts as `bench:goals` starts it. Each
// target (name one several times for several starts) runs in its own child with
// `--trace-gc`, `--allow-natives-syntax` and the preload `tick-feedback-preload.mjs`; the
// read path's login is made as the harness makes it (Node's `fetch`), then 1.5 s idle,
// then 3 s of `GET /` at 50 connections, then the child prints `%DebugPrint` of
// `process.nextTick`. The probe prints the mark-compacts the child ran before the load and
// the state of the four `DefineKeyedOwnPropertyInLiteral` feedback slots of the tick
// object literal: four MONOMORPHIC is the fast state; the first MONOMORPHIC and three
// MEGAMORPHIC the slow one, where every tick object is built through V8's runtime.
// The default target is Tessera on Fastify with MemoryStore.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { checked, measure } from '../lib/measure.js'
import { prepareRead } from '../lib/prepare-read.js'
import { spawnServer } from '../lib/spawn-server.js'
import { bundledTarget, type TargetId } from '../lib/targets.js'

const ids = (process.argv.length > 2 ? process.argv.slice(2) : ['tessera-fastify']) as TargetId[]
const preload = new URL('./tick-feedback-preload.mjs', import.meta.url).href
const dir = mkdtempSync(join(tmpdir(), 'tessera-tick-feedback-'))

for (const id of ids) {
  const target = bundledTarget(id)
  // A file, not a pipe: what V8 prints through C's stdio arrives whole (spawn-server.ts).
  const file = join(dir, `${id}.out`)
  const fd = openSync(file, 'w')
  const read = (): string => readFileSync(file, 'utf8')
  const server = await spawnServer(target.file, {
    nodeFlags: ['--trace-gc', '--allow-natives-syntax', '--import', preload],
    stdoutFd: fd,
  })
  let before = 0
  let n = 0
  try {
    const load = await prepareRead(target, server.url)
    await sleep(1500)
    before = (read().match(/: Mark-Compact /g) ?? []).length
    n = checked(id, await measure({ ...load, durationSeconds: 3 })).responses2xx
    process.kill(server.pid, 'SIGUSR2')
    for (let waited = 0; waited < 5000 && !read().includes('=== end'); waited += 100) {
      await sleep(100)
    }
  } finally {
    await server.stop()
    closeSync(fd)
  }
  const out = read()
  const printed = out.slice(out.indexOf('=== tick feedback'))
  const slots = [...printed.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1])
  const state =
    slots.length !== 4
      ? `not printed (${slots.length} slots found)`
      : slots.every((slot) => slot === 'MONOMORPHIC')
        ? 'fast'
        : 'slow'
  console.log(
    `${id}: ${before} mark-compacts before the load; ${n} responses in 3 s; ` +
      `tick object feedback ${slots.join(' ')}: ${state}`,
  )
}
rmSync(dir, { recursive: true, force: true })
