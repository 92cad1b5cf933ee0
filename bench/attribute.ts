// `npm run bench:attribute`: where the instructions of `npm run bench:instructions` go,
// function by function. Two scenarios of the same request loop (a bare framework, then
// Tessera on it) run under valgrind's callgrind; V8's JIT code is named from the perf
// map `node --perf-basic-prof` writes. Prints instructions per request of each function
// in both and the difference, largest first (README: "Instructions per function"), then,
// for the callees `BENCH_ATTRIBUTE_CALLERS` names, which functions called them.
import { fileURLToPath } from 'node:url'
import { attributeInstructions } from './lib/attribute-instructions.js'
import { instructionCountingUnavailable } from './lib/count-instructions.js'
import { instructionScenarios, isInstructionScenario } from './lib/instruction-scenarios.js'
import { requestCounts } from './lib/request-counts.js'
import { bundle } from './lib/spawn-server.js'

const counts = requestCounts('BENCH_ATTRIBUTE_COUNTS')
const pair = (process.env.BENCH_ATTRIBUTE_SCENARIOS ?? 'fastify,tessera-fastify-memory').split(',')
const [base, target] = pair
if (
  pair.length !== 2 ||
  base === undefined ||
  target === undefined ||
  !isInstructionScenario(base) ||
  !isInstructionScenario(target)
) {
  console.error(
    `BENCH_ATTRIBUTE_SCENARIOS must name two scenarios, the baseline first: "fastify,tessera-fastify-memory" (known: ${Object.keys(instructionScenarios).join(', ')})`,
  )
  process.exit(2)
}
const rows = Number(process.env.BENCH_ATTRIBUTE_ROWS ?? 30)
// Callees whose callers to list after the table (a name or a part of one, comma list).
const callees = (process.env.BENCH_ATTRIBUTE_CALLERS ?? '').split(',').filter((s) => s !== '')
const callersOf = (callee: string): boolean => callees.some((part) => callee.includes(part))
const unavailable = instructionCountingUnavailable()
if (unavailable) {
  console.log(`SKIPPED: ${unavailable}`)
  process.exit(0)
}

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const entry = await bundle(
  fileURLToPath(new URL('./instructions/request-loop.ts', import.meta.url)),
)
console.log(`attributing ${base} and ${target} (${counts.join(' and ')} requests)…`)
const [{ self: a, calls: aCalls }, { self: b, calls: bCalls }] = await Promise.all([
  attributeInstructions(entry, base, counts, root, undefined, callersOf),
  attributeInstructions(entry, target, counts, root, undefined, callersOf),
])
const total = (m: Map<string, number>): number => [...m.values()].reduce((s, v) => s + v, 0)
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(9)
console.log(
  `\ninstructions per request: ${base} ${fmt(total(a)).trim()}, ${target} ${fmt(total(b)).trim()}`,
)
console.log(
  `\n${'added'.padStart(9)} ${base.padStart(9).slice(-9)} ${target.padStart(9).slice(-9)}  function`,
)
const names = [...new Set([...a.keys(), ...b.keys()])]
const added = (name: string): number => (b.get(name) ?? 0) - (a.get(name) ?? 0)
for (const name of names.sort((x, y) => added(y) - added(x)).slice(0, rows)) {
  console.log(`${fmt(added(name))} ${fmt(a.get(name) ?? 0)} ${fmt(b.get(name) ?? 0)}  ${name}`)
}

// Who called each callee asked for, per request in either scenario: the call edges of the
// same two runs, largest addition first (README: "Instructions per function").
const none = { count: 0, instructions: 0 }
for (const callee of [...new Set([...aCalls.keys(), ...bCalls.keys()])].sort()) {
  const before = aCalls.get(callee) ?? new Map()
  const after = bCalls.get(callee) ?? new Map()
  const edges = [...new Set([...before.keys(), ...after.keys()])].map((caller) => {
    const x = before.get(caller) ?? none
    const y = after.get(caller) ?? none
    return { caller, x, y, added: y.instructions - x.instructions }
  })
  const made = (e: typeof none): boolean => Math.abs(e.count) >= 0.005
  const shown = edges.filter(({ x, y }) => made(x) || made(y))
  if (shown.length === 0) continue
  console.log(`\ncallers of ${callee} (calls and inclusive instructions per request)`)
  console.log(`${'added'.padStart(9)} ${base.padStart(16)} ${target.padStart(16)}  caller`)
  const calls = (e: typeof none): string =>
    `${e.count.toFixed(2).padStart(6)}×${fmt(e.instructions)}`
  for (const { caller, x, y, added } of shown.sort((p, q) => q.added - p.added).slice(0, rows)) {
    console.log(`${fmt(added)} ${calls(x)} ${calls(y)}  ${caller}`)
  }
}
