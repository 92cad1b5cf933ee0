import type { Comparison } from './goals.js'
import { checked, type LoadOptions, measure } from './measure.js'
import { type PairedRatios, pairedRatios } from './paired-ratios.js'
import { prepareRead } from './prepare-read.js'
import { processCpuSeconds } from './process-cpu.js'
import type { RunningServer } from './spawn-server.js'
import { spreadRead } from './spread-read.js'
import { startTarget } from './start-target.js'
import { type Target, targetById } from './targets.js'

/** How one goal is measured by {@link measurePairedGoal}. */
export interface PairedGoalOptions {
  /** How many pairs of slices. */
  slices: number
  /** Seconds of load per slice (each side). */
  sliceSeconds: number
  /** Seconds of uncounted load on each side before the first slice. */
  warmupSeconds: number
  connections: number
  /**
   * How many sessions each side's requests carry in turn ({@link spreadRead}); 1 (the
   * default) sends the one session on every request.
   */
  sessions?: number
}

/** What {@link measurePairedGoal} gives: the req/s pairs, and the same pairs in server CPU. */
export interface PairedGoal extends PairedRatios {
  /**
   * The server process's CPU time per response (user + system, all its threads, from
   * `/proc`) in each slice: `baseline / target` per pair, so that it reads like the req/s
   * ratio (`0.70×`: the target used 1/0.70 of the baseline's CPU per response), with the
   * two sides' µs per response in the median pair. A store server's CPU (Redis) is not in
   * it. `undefined` where `/proc` is not readable.
   */
  cpu: (PairedRatios & { targetMicros: number; baselineMicros: number }) | undefined
}

/**
 * Measures one read-path goal (or reference: any two targets) with its two servers
 * running side by side: both start, each is warmed up, then the two are loaded in turn,
 * slice after slice, in the order target, baseline, baseline, target, target, … (so a
 * steady drift of the machine does not favour one side), and each pair of adjacent
 * slices gives one ratio. Every response of every slice, warm-up included, must be a 2xx
 * with the expected body, or this throws.
 * Both servers are stopped at the end, whatever happened.
 */
export async function measurePairedGoal(
  goal: Comparison,
  options: PairedGoalOptions,
): Promise<PairedGoal> {
  const sides = [targetById(goal.target), targetById(goal.baseline)] as const
  const servers: RunningServer[] = []
  try {
    for (const side of sides) servers.push(await startTarget(side))
    const loads: LoadOptions[] = []
    const sessions = options.sessions ?? 1
    for (const [i, side] of sides.entries()) {
      const url = (servers[i] as RunningServer).url
      const one = await prepareRead(side, url)
      const load = {
        ...(sessions > 1 ? await spreadRead(side, url, one, sessions) : one),
        connections: options.connections,
        durationSeconds: options.sliceSeconds,
      }
      if (options.warmupSeconds > 0) {
        checked(side.id, await measure({ ...load, durationSeconds: options.warmupSeconds }))
      }
      loads.push(load)
    }
    const rates: [number[], number[]] = [[], []]
    const micros: [number[], number[]] = [[], []]
    for (let slice = 0; slice < options.slices; slice++) {
      const order = slice % 2 === 0 ? [0, 1] : [1, 0]
      for (const i of order) {
        const pid = (servers[i] as RunningServer).pid
        const before = processCpuSeconds(pid)
        const m = await measure(loads[i] as LoadOptions)
        const after = processCpuSeconds(pid)
        checked((sides[i] as Target).id, m)
        rates[i]?.push(m.requestsPerSecond)
        micros[i]?.push(cpuMicrosPerResponse(before, after, m.responses2xx))
      }
    }
    return { ...pairedRatios(rates[0], rates[1]), cpu: cpuPairs(micros[0], micros[1]) }
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
  }
}

function cpuMicrosPerResponse(
  before: number | undefined,
  after: number | undefined,
  responses: number,
): number {
  if (before === undefined || after === undefined || responses <= 0) return Number.NaN
  return ((after - before) * 1e6) / responses
}

function cpuPairs(target: number[], baseline: number[]): PairedGoal['cpu'] {
  // A slice with no CPU reading, or one too short to tick the clock, makes the line moot.
  if (![...target, ...baseline].every((us) => Number.isFinite(us) && us > 0)) return undefined
  const ratios = pairedRatios(baseline, target)
  // The two sides of the median pair, so that their quotient is the median printed.
  const i = ratios.pairs.indexOf(ratios.median)
  return { ...ratios, targetMicros: target[i] as number, baselineMicros: baseline[i] as number }
}
