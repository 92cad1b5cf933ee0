// `npm run bench:attribute`: where the instructions of `npm run bench:instructions` go,
// function by function. Two scenarios of the same request loop (a bare framework, then
// Tessera on it) run under valgrind's callgrind; V8's JIT code is named from the perf
// map `node --perf-basic-prof` writes. Prints instructions per request of each function
// in both and the difference, largest first (README: "Instructions per function").
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
const [a, b] = await Promise.all([
  attributeInstructions(entry, base, counts, root),
  attributeInstructions(entry, target, counts, root),
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
