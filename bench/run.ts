// `npm run bench`: measures each selected target in turn and prints how Tessera compares.
// See README.md for what is measured and how to read the ratios.
import { cpus } from 'node:os'
import { benchTarget } from './lib/bench-target.js'
import { type BenchConfig, readConfig } from './lib/config.js'
import type { Outcome } from './lib/ratios.js'
import { redisReachable } from './lib/redis.js'
import { writeResults } from './lib/results.js'
import { formatSummary, formatTable } from './lib/table.js'

let config: BenchConfig
try {
  config = readConfig(process.env)
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
}
console.log(
  `${config.targets.length} target(s), each: ${config.warmupSeconds} s warm-up, ` +
    `${config.durationSeconds} s measured, ${config.connections} connections ` +
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
  try {
    const measurement = await benchTarget(target, config)
    outcomes.push({ target, measurement })
    console.log(`${step}: ${measurement.requestsPerSecond.toFixed(1)} req/s`)
  } catch (error) {
    const failure = error instanceof Error ? error.message : String(error)
    outcomes.push({ target, failure })
    console.error(`${step}: FAILED: ${failure}`)
  }
}

console.log(`\n${formatTable(outcomes)}\n\n${formatSummary(outcomes)}`)
console.log(`\nwrote ${await writeResults(config, outcomes)}`)

const failed = outcomes.filter((o) => 'failure' in o)
if (failed.length > 0) {
  console.error(`\nbench FAILED for ${failed.map((o) => o.target.id).join(', ')}: see above`)
  process.exitCode = 1
}
