// `npm run bench:goals`: each read-path goal of `npm run bench` measured in pairs. The
// goal's two servers run side by side and are loaded in turn, a few seconds each, so the
// swings of a shared machine (node:http served 26.6k and 45.3k req/s in two rounds of one
// run here) land on both sides of every pair. Prints each goal's median pair ratio, the
// range of the pairs, and MET or NOT MET. See README.md ("Paired goals").
import { cpus } from 'node:os'
import { formatGoal, type Goal, goals } from './lib/goals.js'
import { measurePairedGoal } from './lib/paired-goal.js'
import { redisReachable } from './lib/redis.js'
import { targetById } from './lib/targets.js'

const slices = wholeNumber('BENCH_GOAL_SLICES', 6)
const sliceSeconds = wholeNumber('BENCH_GOAL_SECONDS', 3)
const sessions = wholeNumber('BENCH_GOAL_SESSIONS', 1)
const only = (process.env.BENCH_GOAL_TARGETS ?? '').split(',').filter((id) => id !== '')
const chosen = goals.filter((goal) => only.length === 0 || only.includes(goal.target))
const unknown = only.filter((id) => !goals.some((goal) => goal.target === id))
if (unknown.length > 0) {
  console.error(
    `BENCH_GOAL_TARGETS: no goal measures ${unknown.join(', ')} (goal targets: ${[...new Set(goals.map((g) => g.target))].join(', ')})`,
  )
  process.exit(2)
}
console.log(
  `${chosen.length} goal(s), each: its two servers side by side, 2 s warm-up each, then ` +
    `${slices} pairs of ${sliceSeconds} s slices (target, baseline, baseline, target, …), ` +
    `50 connections, ${sessionsPart()} (Node ${process.version}, ${cpus().length} CPUs)`,
)

let redisUp: Promise<boolean> | undefined
let failed = false
for (const goal of chosen) {
  if (usesRedis(goal)) {
    redisUp ??= redisReachable()
    if (!(await redisUp)) {
      console.log(formatGoal(goal, null, 'SKIPPED: redis unreachable'))
      continue
    }
  }
  try {
    const { pairs, median, cpu } = await measurePairedGoal(goal, {
      slices,
      sliceSeconds,
      warmupSeconds: 2,
      connections: 50,
      sessions,
    })
    // The verdict is the req/s ratio; the server's CPU per response is printed beside it.
    const cpuPart =
      cpu === undefined
        ? ''
        : `; server CPU per response ${cpu.targetMicros.toFixed(1)} / ${cpu.baselineMicros.toFixed(1)} µs, ` +
          `${cpu.median.toFixed(2)}× (pairs ${range(cpu.pairs)})`
    console.log(`${formatGoal(goal, median)} (pairs ${range(pairs)}${cpuPart})`)
  } catch (error) {
    failed = true
    const why = error instanceof Error ? error.message : String(error)
    console.error(formatGoal(goal, null, `FAILED: ${why}`))
  }
}
if (failed) process.exitCode = 1

function sessionsPart(): string {
  if (sessions === 1) return 'one session on every request'
  return `${sessions} sessions per side carried in turn (the demo: its one session)`
}

function range(pairs: number[]): string {
  return `${Math.min(...pairs).toFixed(2)}–${Math.max(...pairs).toFixed(2)}×`
}

function usesRedis(goal: Goal): boolean {
  return targetById(goal.target).redis || targetById(goal.baseline).redis
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
