import { type Target, targets } from './targets.js'
import type { Phase } from './write-path.js'

const allPhases: readonly Phase[] = ['read', 'login', 'write', 'mixed']

/** Everything one `npm run bench` does, read from the environment. */
export interface BenchConfig {
  targets: readonly Target[]
  /** BENCH_DURATION: seconds of measured load per target. @default 10 */
  durationSeconds: number
  /** Seconds of uncounted load before measuring, so JIT and caches are warm. */
  warmupSeconds: number
  /** Concurrent keep-alive connections from autocannon. */
  connections: number
  /** BENCH_PATHS: which paths to measure (login, write and mixed only on session targets). @default all */
  phases: readonly Phase[]
  /**
   * BENCH_ROUNDS: how many times the whole list of targets is measured, one round after
   * another (every target in round 1, then every target in round 2, ...); each target and
   * path then reports its median round (`medianOutcomes`). @default 1
   */
  rounds: number
}

/**
 * Reads BENCH_TARGETS (comma list of target ids, default all), BENCH_DURATION (whole
 * seconds, default 10), BENCH_PATHS (comma list of read, login, write, mixed; default all) and
 * BENCH_ROUNDS (whole number of rounds, default 1). Throws with an exact message on
 * anything it does not understand, rather than silently measuring something else.
 */
export function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return {
    targets: readTargets(env.BENCH_TARGETS),
    durationSeconds: readDuration(env.BENCH_DURATION),
    warmupSeconds: 2,
    connections: 50,
    phases: readPhases(env.BENCH_PATHS),
    rounds: readRounds(env.BENCH_ROUNDS),
  }
}

function readPhases(raw: string | undefined): readonly Phase[] {
  if (raw === undefined || raw.trim() === '') return allPhases
  const names = commaList(raw)
  const unknown = names.filter((name) => !allPhases.includes(name as Phase))
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `BENCH_PATHS: unknown path ${unknown.join(', ')} (known: ${allPhases.join(', ')})`,
    )
  }
  return allPhases.filter((phase) => names.includes(phase))
}

function readTargets(raw: string | undefined): readonly Target[] {
  if (raw === undefined || raw.trim() === '') return targets
  const ids = commaList(raw)
  const unknown = ids.filter((id) => !targets.some((t) => t.id === id))
  if (unknown.length > 0) {
    const known = targets.map((t) => t.id).join(', ')
    throw new Error(`BENCH_TARGETS: unknown target ${unknown.join(', ')} (known: ${known})`)
  }
  return targets.filter((t) => ids.includes(t.id))
}

function readDuration(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 10
  const seconds = Number(raw)
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`BENCH_DURATION: expected a whole number of seconds >= 1, got "${raw}"`)
  }
  return seconds
}

function readRounds(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1
  const rounds = Number(raw)
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`BENCH_ROUNDS: expected a whole number >= 1, got "${raw}"`)
  }
  return rounds
}

const commaList = (raw: string): string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
