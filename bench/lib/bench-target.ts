import type { BenchConfig } from './config.js'
import { type Measurement, measure, problems } from './measure.js'
import { prepareRequest } from './session.js'
import { spawnServer } from './spawn-server.js'
import type { Target } from './targets.js'

/**
 * The whole life of one target: start its server in a child process, log in and verify the
 * session echo, warm up, measure, and stop the child (always, even on failure). Throws if any
 * step fails or any response, warm-up included, was not a 2xx with the expected body.
 */
export async function benchTarget(
  target: Target,
  config: Pick<BenchConfig, 'durationSeconds' | 'warmupSeconds' | 'connections'>,
): Promise<Measurement> {
  const server = await spawnServer(target.file)
  try {
    const request = await prepareRequest(server.url, target.session)
    const load = { ...request, url: `${server.url}/`, connections: config.connections }
    if (config.warmupSeconds > 0) {
      const warmup = await measure({ ...load, durationSeconds: config.warmupSeconds })
      failOn('warm-up', problems(warmup))
    }
    const measured = await measure({ ...load, durationSeconds: config.durationSeconds })
    failOn('measurement', problems(measured))
    return measured
  } finally {
    await server.stop()
  }
}

function failOn(phase: string, found: string[]): void {
  if (found.length > 0) throw new Error(`${phase}: ${found.join(', ')}`)
}
