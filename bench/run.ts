// `npm run bench`: measures each selected target in turn and prints how Tessera compares.
// See README.md for what is measured and how to read the ratios.
import { cpus } from 'node:os'
import { benchTarget } from './lib/bench-target.js'
import { type BenchConfig, readConfig } from './lib/config.js'
import { formatGoals } from './lib/goals.js'
import type { Outcome } from './lib/ratios.js'
import { redisReachable } from './lib/redis.js'
import { writeResults } from './lib/results.js'
import { formatSummary, formatTable, formatWriteTable } from './lib/table.js'

let config: BenchConfig
try {
  config = readConfig(process.env)
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
}
console.log(
  `${config.targets.length} target(s), each: ${config.warmupSeconds} s warm-up, ` +
    `${config.durationSeconds} s measured, ${config.connections} connections, ` +
    `paths ${config.phases.join(', ')} ` +
    `(Node ${process.version}, ${cpus().length} CPUs)`,
)

// Probed once, before the first Redis target (127.0.0.1:6379): without Redis those targets
// are skipped; the rest of the bench still runs and the run does not fail.
let redisUp: Promise<boolean> | undefined
const outcomes: Outcome[] = []
for (const [index, target] of config.targets.entries()) {
  const step = `[${index + 1}/${config.targets.length}] ${target.label}`
  if (target.redis) redisUp ??= redisReachable()
  if (target.redis && !(await redisUp)) {
    const skipped = 'redis unreachable'
    outcomes.push({ target, skipped })
    console.log(`${step}: SKIPPED: ${skipped}`)
    continue
  }
  await benchTarget(target, config, (outcome) => {
    outcomes.push(outcome)
    const where = `${step}${outcome.phase === undefined ? '' : ` ${outcome.phase}`}`
    if ('failure' in outcome) console.error(`${where}: FAILED: ${outcome.failure}`)
    else if ('measurement' in outcome) {
      const m = outcome.measurement
      console.log(
        `${where}: ${m.requestsPerSecond.toFixed(1)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms`,
      )
    }
  })
}

console.log(
  `\nread path (GET with a live session; bare targets: the same answer)\n${formatTable(outcomes)}`,
)
if (outcomes.some((o) => o.phase !== undefined)) {
  console.log(
    `\nwrite path (login: a new session per request; write: a session changed per request)`,
  )
  console.log(formatWriteTable(outcomes))
}
console.log(`\n${formatSummary(outcomes)}\n\n${formatGoals(outcomes)}`)
console.log(`\nwrote ${await writeResults(config, outcomes)}`)

const failed = outcomes.filter((o) => 'failure' in o)
if (failed.length > 0) {
  const which = failed.map((o) => `${o.target.id}${o.phase === undefined ? '' : ` (${o.phase})`}`)
  console.error(`\nbench FAILED for ${which.join(', ')}: see above`)
  process.exitCode = 1
}
