// `npm run bench:goals`: each read-path goal of `npm run bench` measured in pairs. The
// goal's two servers run side by side and are loaded in turn, a few seconds each, so the
// swings of a shared machine (node:http served 26.6k and 45.3k req/s in two rounds of one
// run here) land on both sides of every pair. Prints each goal's median pair ratio, the
// range of the pairs, and MET or NOT MET. Then the references (no verdict): the floor of
// any Hono middleware against bare Hono and Tessera on memory against it; for Hono,
// Fastify and Express, the floor of a session on Redis against the bare framework, and
// Tessera on Redis against that floor; the same for Hono on PostgreSQL. See README.md
// ("Paired goals").
import { cpus } from 'node:os'
import { type Comparison, formatGoal, formatReference, goals, references } from './lib/goals.js'
import { missingService } from './lib/missing-service.js'
import { measurePairedGoal, type PairedGoal } from './lib/paired-goal.js'
import { targetById } from './lib/targets.js'

const slices = wholeNumber('BENCH_GOAL_SLICES', 6)
const sliceSeconds = wholeNumber('BENCH_GOAL_SECONDS', 3)
const sessions = wholeNumber('BENCH_GOAL_SESSIONS', 1)
const only = (process.env.BENCH_GOAL_TARGETS ?? '').split(',').filter((id) => id !== '')
const isChosen = (c: Comparison): boolean => only.length === 0 || only.includes(c.target)
const chosen = goals.filter(isChosen)
const chosenReferences = references.filter(isChosen)
const measured = [...goals, ...references]
const unknown = only.filter((id) => !measured.some((c) => c.target === id))
if (unknown.length > 0) {
  console.error(
    `BENCH_GOAL_TARGETS: no goal or reference measures ${unknown.join(', ')} (their targets: ${[...new Set(measured.map((c) => c.target))].join(', ')})`,
  )
  process.exit(2)
}
console.log(
  `${chosen.length} goal(s) and ${chosenReferences.length} reference(s), each: its two servers side by side, 2 s warm-up each, then ` +
    `${slices} pairs of ${sliceSeconds} s slices (target, baseline, baseline, target, …), ` +
    `50 connections, ${sessionsPart()} (Node ${process.version}, ${cpus().length} CPUs)`,
)

let failed = false
for (const goal of chosen) {
  const line = await measureLine(goal, (value, unmeasured) => formatGoal(goal, value, unmeasured))
  if (line !== undefined) console.log(line)
}
for (const reference of chosenReferences) {
  const line = await measureLine(reference, (value, unmeasured) =>
    formatReference(reference, value, unmeasured),
  )
  if (line !== undefined) console.log(line)
}
if (failed) process.exitCode = 1

/**
 * Measures one goal or reference in pairs and returns its line (the req/s ratio, then
 * the server's CPU per response beside it); a skip for an unreachable Redis or PostgreSQL
 * is a line too. A failure is written to stderr, marks the run failed and returns
 * `undefined`.
 */
async function measureLine(
  comparison: Comparison,
  format: (value: number | null, unmeasured?: string) => string,
): Promise<string | undefined> {
  const missing =
    (await missingService(targetById(comparison.target))) ??
    (await missingService(targetById(comparison.baseline)))
  if (missing !== null) return format(null, `SKIPPED: ${missing}`)
  let result: PairedGoal
  try {
    result = await measurePairedGoal(comparison, {
      slices,
      sliceSeconds,
      warmupSeconds: 2,
      connections: 50,
      sessions,
    })
  } catch (error) {
    failed = true
    const why = error instanceof Error ? error.message : String(error)
    console.error(format(null, `FAILED: ${why}`))
    return undefined
  }
  const { pairs, median, cpu } = result
  const cpuPart =
    cpu === undefined
      ? ''
      : `; server CPU per response ${cpu.targetMicros.toFixed(1)} / ${cpu.baselineMicros.toFixed(1)} µs, ` +
        `${cpu.median.toFixed(2)}× (pairs ${range(cpu.pairs)})`
  return `${format(median)} (pairs ${range(pairs)}${cpuPart})`
}

function sessionsPart(): string {
  if (sessions === 1) return 'one session on every request'
  return `${sessions} sessions per side carried in turn (the demo: its one session)`
}

function range(pairs: number[]): string {
  return `${Math.min(...pairs).toFixed(2)}–${Math.max(...pairs).toFixed(2)}×`
}

function wholeNumber(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a whole number ≥ 1, not "${raw}"`)
    process.exit(2)
  }
  return n
}
