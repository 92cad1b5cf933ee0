import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { BenchConfig } from './config.js'
import { goals } from './goals.js'
import { type Outcome, rateOf, ratio, ratios } from './ratios.js'

const resultsFile = new URL('../results/latest.json', import.meta.url)

/**
 * Writes the run to bench/results/latest.json (git-ignored); returns the file's path.
 * `outcomes` are one per target and path: with `settings.rounds` > 1, each one's median
 * round (`medianOutcomes`).
 */
export async function writeResults(
  config: BenchConfig,
  outcomes: readonly Outcome[],
): Promise<string> {
  const baseline = rateOf(outcomes, 'node-http')
  const cpuList = cpus()
  const report = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
    },
    settings: {
      durationSeconds: config.durationSeconds,
      warmupSeconds: config.warmupSeconds,
      connections: config.connections,
      pipelining: 1,
      paths: config.phases,
      rounds: config.rounds,
    },
    ok: !outcomes.some((o) => 'failure' in o),
    targets: outcomes.map((outcome) => {
      const { id, label } = outcome.target
      const row = { id, label, path: outcome.phase ?? 'read' }
      if ('failure' in outcome) return { ...row, failure: outcome.failure }
      if ('skipped' in outcome) return { ...row, skipped: outcome.skipped }
      const rate = outcome.measurement.requestsPerSecond
      const { framework, peer } = outcome.target
      // Bare targets have only a read path: the login and write paths compare with the peer.
      const read = outcome.phase === undefined
      return {
        ...row,
        ...outcome.measurement,
        ...(read ? { vsNodeHttp: ratio(rate, baseline) } : {}),
        ...(read && framework !== undefined
          ? { vsFramework: ratio(rate, rateOf(outcomes, framework)) }
          : {}),
        ...(peer === undefined
          ? {}
          : { vsPeer: ratio(rate, rateOf(outcomes, peer, outcome.phase)) }),
      }
    }),
    ratios: ratios(outcomes),
    goals: goals.map((goal) => ({
      ...goal,
      ratio: ratio(rateOf(outcomes, goal.target), rateOf(outcomes, goal.baseline)),
    })),
  }
  await mkdir(new URL('.', resultsFile), { recursive: true })
  await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`)
  return fileURLToPath(resultsFile)
}
