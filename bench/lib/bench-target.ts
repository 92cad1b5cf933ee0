import type { BenchConfig } from './config.js'
import { type LoadOptions, measure, problems } from './measure.js'
import { prepareRead } from './prepare-read.js'
import type { Outcome } from './ratios.js'
import type { RunningServer } from './spawn-server.js'
import { startTarget } from './start-target.js'
import type { Target } from './targets.js'
import { type Phase, prepareLogin, prepareMixed, prepareWrite } from './write-path.js'

/**
 * The whole life of one target: start its server in a child process, then for each of its
 * selected paths (read, and login, write and mixed for session targets) set up and verify, warm
 * up, measure; stop the child at the end (always, even on failure). A path whose setup
 * fails, or with any response, warm-up included, that was not a 2xx with the expected
 * body, is reported as a failure; the other paths still run.
 */
export async function benchTarget(
  target: Target,
  config: Pick<BenchConfig, 'durationSeconds' | 'warmupSeconds' | 'connections' | 'phases'>,
  onOutcome: (outcome: Outcome) => void = () => {},
): Promise<Outcome[]> {
  const phases = config.phases.filter((p) => p === 'read' || target.writes)
  if (phases.length === 0) return []
  let server: RunningServer
  try {
    server = await startTarget(target)
  } catch (error) {
    const failure = error instanceof Error ? error.message : String(error)
    return phases.map((phase) => report({ target, ...tag(phase), failure }, onOutcome))
  }
  const outcomes: Outcome[] = []
  try {
    for (const phase of phases) {
      try {
        const load = {
          ...(await prepare(target, phase, server.url)),
          connections: config.connections,
        }
        // The read path had its warm-up; each write path gets a shorter one of its own.
        const warmupSeconds =
          phase === 'read' ? config.warmupSeconds : Math.min(1, config.warmupSeconds)
        if (warmupSeconds > 0) {
          failOn('warm-up', problems(await measure({ ...load, durationSeconds: warmupSeconds })))
        }
        const measurement = await measure({ ...load, durationSeconds: config.durationSeconds })
        failOn('measurement', problems(measurement))
        outcomes.push(report({ target, ...tag(phase), measurement }, onOutcome))
      } catch (error) {
        const failure = error instanceof Error ? error.message : String(error)
        outcomes.push(report({ target, ...tag(phase), failure }, onOutcome))
      }
    }
  } finally {
    await server.stop()
  }
  return outcomes
}

async function prepare(
  target: Target,
  phase: Phase,
  baseUrl: string,
): Promise<Omit<LoadOptions, 'durationSeconds'>> {
  if (phase === 'login') return prepareLogin(baseUrl)
  if (phase === 'write') return prepareWrite(baseUrl)
  if (phase === 'mixed') return prepareMixed(baseUrl)
  return prepareRead(target, baseUrl)
}

/** The read path carries no `phase` (as in results/latest.json before writes were measured). */
const tag = (phase: Phase): { phase?: Phase } => (phase === 'read' ? {} : { phase })

function report(outcome: Outcome, onOutcome: (outcome: Outcome) => void): Outcome {
  onOutcome(outcome)
  return outcome
}

function failOn(phase: string, found: string[]): void {
  if (found.length > 0) throw new Error(`${phase}: ${found.join(', ')}`)
}
