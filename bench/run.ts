// `npm run bench`: measures each selected target in turn and prints how Tessera compares.
// See README.md for what is measured and how to read the ratios.
import { cpus } from 'node:os'
import { benchTarget } from './lib/bench-target.js'
import { type BenchConfig, readConfig } from './lib/config.js'
import { formatGoals } from './lib/goals.js'
import { medianOutcomes } from './lib/median-outcomes.js'
import { missingService } from './lib/missing-service.js'
import type { Outcome } from './lib/ratios.js'
import { writeResults } from './lib/results.js'
import { formatSummary, formatTable, formatWriteTable } from './lib/table.js'
import { mixedSessions, mixedWriteEvery } from './lib/write-path.js'

let config: BenchConfig
try {
  config = readConfig(process.env)
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
}
const { rounds } = config
// Several rounds run the whole list in turn (round 1: every target, round 2: every target,
// ...), so a drift of the machine lands on every target alike instead of on whichever one
// ran during it; each target and path then reports its median round.
const roundsNote = rounds > 1 ? `, ${rounds} rounds (interleaved; median round kept)` : ''
console.log(
  `${config.targets.length} target(s)${roundsNote}, each: ${config.warmupSeconds} s warm-up, ` +
    `${config.durationSeconds} s measured, ${config.connections} connections, ` +
    `paths ${config.phases.join(', ')} ` +
    `(Node ${process.version}, ${cpus().length} CPUs)`,
)

// Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432) are probed once, before the first
// target that needs each: without one, its targets are skipped in every round; the rest of
// the bench still runs and the run does not fail.
const everyRound: Outcome[] = []
for (let round = 1; round <= rounds; round++) {
  const roundTag = rounds > 1 ? `[round ${round}/${rounds}] ` : ''
  for (const [index, target] of config.targets.entries()) {
    const step = `${roundTag}[${index + 1}/${config.targets.length}] ${target.label}`
    const skipped = await missingService(target)
    if (skipped !== null) {
      everyRound.push({ target, skipped })
      console.log(`${step}: SKIPPED: ${skipped}`)
      continue
    }
    await benchTarget(target, config, (outcome) => {
      everyRound.push(outcome)
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
}
// One outcome per target and path from here on: tables, goals and results.json.
const outcomes = medianOutcomes(everyRound)
const merged = rounds > 1 ? `; median of ${rounds} rounds` : ''

console.log(
  `\nread path (GET with a live session; bare targets: the same answer${merged})\n` +
    formatTable(outcomes),
)
if (outcomes.some((o) => o.phase !== undefined)) {
  console.log(
    `\nwrite path (login: a new session per request; write: a session changed per request; ` +
      `mixed: reads over ${mixedSessions} sessions, one request in ${mixedWriteEvery} a write${merged})`,
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
