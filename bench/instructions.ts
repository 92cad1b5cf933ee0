// `npm run bench:instructions`: instructions per request of bare Hono, Fastify and Express
// and of Tessera on each, counted by valgrind in a request loop
// (instructions/request-loop.ts). Unlike req/s on a shared 2-core machine (±25% between
// runs), the count repeats far better, so it can tell whether one change to the hot path
// made it cheaper by a few thousand instructions (README: how far it repeats). It counts
// user space only: no socket, no kernel, no load generator (README: "Instructions per
// request").
import { fileURLToPath } from 'node:url'
import { countInstructions, instructionCountingUnavailable } from './lib/count-instructions.js'
import {
  type InstructionScenario,
  instructionScenarios,
  isInstructionScenario,
  needsPostgres,
  needsRedis,
} from './lib/instruction-scenarios.js'
import { missingService } from './lib/missing-service.js'
import { requestCounts } from './lib/request-counts.js'
import { bundle } from './lib/spawn-server.js'

const [fewer, more] = requestCounts('BENCH_INSTRUCTION_COUNTS')
const known = Object.keys(instructionScenarios)
const chosen = (process.env.BENCH_INSTRUCTION_SCENARIOS ?? known.join(','))
  .split(',')
  .filter((id) => id !== '')
const unknown = chosen.filter((id) => !isInstructionScenario(id))
if (unknown.length > 0) {
  console.error(`unknown scenario(s) ${unknown.join(', ')}; known: ${known.join(', ')}`)
  process.exit(2)
}
const unavailable = instructionCountingUnavailable()
if (unavailable) {
  console.log(`SKIPPED: ${unavailable}`)
  process.exit(0)
}

const entry = await bundle(
  fileURLToPath(new URL('./instructions/request-loop.ts', import.meta.url)),
)
const perRequest = new Map<InstructionScenario, number>()
for (const scenario of chosen as InstructionScenario[]) {
  // The Redis and PostgreSQL scenarios read those servers: skipped, saying so, without them.
  const missing = await missingService({
    redis: needsRedis(scenario),
    postgres: needsPostgres(scenario),
  })
  if (missing) {
    console.log(`SKIPPED ${scenario}: ${missing}`)
    continue
  }
  console.log(`counting ${scenario} (${fewer} and ${more} requests)…`)
  perRequest.set(scenario, await countInstructions(entry, scenario, [fewer, more]))
}

console.log('\nscenario                 instructions/request  vs bare   over bare')
for (const [scenario, n] of perRequest) {
  const bareId = instructionScenarios[scenario].bare
  const bare = perRequest.get(bareId)
  const versus =
    bare === undefined || bareId === scenario
      ? ''
      : `${(n / bare).toFixed(2).padStart(5)}×  +${Math.round(n - bare).toLocaleString('en-US')} over ${bareId}`
  console.log(
    `${scenario.padEnd(24)} ${Math.round(n).toLocaleString('en-US').padStart(20)}  ${versus}`,
  )
}
