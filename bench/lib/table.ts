import { type Outcome, rateOf, ratio, ratios } from './ratios.js'

const columns = { target: 26, rate: 10, p99: 9 }

/** The results table, one aligned plain-text row per target. */
export function formatTable(outcomes: readonly Outcome[]): string {
  const baseline = rateOf(outcomes, 'node-http')
  const header =
    'target'.padEnd(columns.target) +
    'req/s'.padEnd(columns.rate) +
    'p99 ms'.padEnd(columns.p99) +
    'vs node:http'
  const rows = outcomes.map((outcome) => {
    const label = outcome.target.label.padEnd(columns.target)
    if ('failure' in outcome) return `${label}FAILED: ${outcome.failure}`
    if ('skipped' in outcome) return `${label}SKIPPED: ${outcome.skipped}`
    const { requestsPerSecond, p99Ms } = outcome.measurement
    return (
      label +
      requestsPerSecond.toFixed(1).padEnd(columns.rate) +
      String(p99Ms).padEnd(columns.p99) +
      formatRatio(ratio(requestsPerSecond, baseline), 'x')
    )
  })
  return [header, ...rows].join('\n')
}

/**
 * The lines that matter: Tessera against the bare baseline and against its peers, then
 * Tessera on Redis against the peers on the same Redis and against the baseline, then
 * Tessera's Express and Fastify adapters against their peers on the same store.
 */
export function formatSummary(outcomes: readonly Outcome[]): string {
  const r = ratios(outcomes)
  return [
    `tessera vs node:http: ${formatRatio(r.tesseraVsNodeHttp, '×')}`,
    `tessera vs express-session: ${formatRatio(r.tesseraVsExpressSession, '×')}, ` +
      `vs @fastify/session: ${formatRatio(r.tesseraVsFastifySession, '×')}`,
    `tessera+redis vs express-session+redis: ${formatRatio(r.tesseraRedisVsExpressSessionRedis, '×')}, ` +
      `vs @fastify/session+redis: ${formatRatio(r.tesseraRedisVsFastifySessionRedis, '×')}, ` +
      `vs node:http: ${formatRatio(r.tesseraRedisVsNodeHttp, '×')}`,
    `tessera express / express-session: ${formatRatio(r.tesseraExpressVsExpressSession, '×')} (memory), ` +
      `${formatRatio(r.tesseraExpressRedisVsExpressSessionRedis, '×')} (redis)`,
    `tessera fastify / @fastify/session: ${formatRatio(r.tesseraFastifyVsFastifySession, '×')} (memory), ` +
      `${formatRatio(r.tesseraFastifyRedisVsFastifySessionRedis, '×')} (redis)`,
    `tessera jwt vs node:http: EdDSA ${formatRatio(r.tesseraJwtEddsaVsNodeHttp, '×')}, ` +
      `ES256 ${formatRatio(r.tesseraJwtEs256VsNodeHttp, '×')}`,
  ].join('\n')
}

function formatRatio(value: number | null, sign: string): string {
  return value === null ? 'n/a' : `${value.toFixed(2)}${sign}`
}
