import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { BenchConfig } from './config.js'
import { type Outcome, rateOf, ratio, ratios } from './ratios.js'

const resultsFile = new URL('../results/latest.json', import.meta.url)

/** Writes the run to bench/results/latest.json (git-ignored); returns the file's path. */
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
    },
    ok: !outcomes.some((o) => 'failure' in o),
    targets: outcomes.map((outcome) =>
      'failure' in outcome
        ? { id: outcome.target.id, label: outcome.target.label, failure: outcome.failure }
        : 'skipped' in outcome
          ? { id: outcome.target.id, label: outcome.target.label, skipped: outcome.skipped }
          : {
              id: outcome.target.id,
              label: outcome.target.label,
              ...outcome.measurement,
              vsNodeHttp: ratio(outcome.measurement.requestsPerSecond, baseline),
            },
    ),
    ratios: ratios(outcomes),
  }
  await mkdir(new URL('.', resultsFile), { recursive: true })
  await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`)
  return fileURLToPath(resultsFile)
}
