import type { Measurement } from './measure.js'
import { type Outcome, rateOf, ratio, ratios } from './ratios.js'

const columns = { target: 32, phase: 7, rate: 10, p50: 8, p99: 8, vsBase: 14 }

/**
 * The read-path table, one aligned plain-text row per target: req/s, p50 and p99 latency,
 * the ratio to bare `node:http` and, for session targets, to their own bare framework.
 */
export function formatTable(outcomes: readonly Outcome[]): string {
  const baseline = rateOf(outcomes, 'node-http')
  const header =
    'target'.padEnd(columns.target) +
    latencyHeader +
    'vs node:http'.padEnd(columns.vsBase) +
    'vs framework'
  const rows = outcomes
    .filter((o) => o.phase === undefined || o.phase === 'read')
    .map((outcome) => {
      const label = outcome.target.label.padEnd(columns.target)
      if ('failure' in outcome) return `${label}FAILED: ${outcome.failure}`
      if ('skipped' in outcome) return `${label}SKIPPED: ${outcome.skipped}`
      const rate = outcome.measurement.requestsPerSecond
      const { framework } = outcome.target
      const vsFramework =
        framework === undefined
          ? ''
          : `${formatRatio(ratio(rate, rateOf(outcomes, framework)), '×')} ${framework}`
      return (
        label +
        latencyColumns(outcome.measurement) +
        formatRatio(ratio(rate, baseline), '×').padEnd(columns.vsBase) +
        vsFramework
      )
    })
  return [header, ...rows].join('\n')
}

/**
 * The write-path table: for each session target, `login` (a request without a cookie
 * that stores a new session), `write` (a request that changes its session) and `mixed`
 * (reads over many sessions with one request in ten a write), with
 * req/s, p50 and p99, and for Tessera the ratio to its peer on the same framework and
 * store.
 */
export function formatWriteTable(outcomes: readonly Outcome[]): string {
  const header =
    'target'.padEnd(columns.target) + 'path'.padEnd(columns.phase) + latencyHeader + 'vs peer'
  const rows = outcomes
    .filter((o) => o.phase !== undefined && o.phase !== 'read')
    .map((outcome) => {
      const label =
        outcome.target.label.padEnd(columns.target) + `${outcome.phase}`.padEnd(columns.phase)
      if ('failure' in outcome) return `${label}FAILED: ${outcome.failure}`
      if ('skipped' in outcome) return `${label}SKIPPED: ${outcome.skipped}`
      const { peer } = outcome.target
      const vsPeer =
        peer === undefined
          ? ''
          : `${formatRatio(ratio(outcome.measurement.requestsPerSecond, rateOf(outcomes, peer, outcome.phase)), '×')} ${peer}`
      return label + latencyColumns(outcome.measurement) + vsPeer
    })
  return [header, ...rows].join('\n')
}

const latencyHeader =
  'req/s'.padEnd(columns.rate) + 'p50 ms'.padEnd(columns.p50) + 'p99 ms'.padEnd(columns.p99)

function latencyColumns(m: Measurement): string {
  return (
    m.requestsPerSecond.toFixed(1).padEnd(columns.rate) +
    String(m.p50Ms).padEnd(columns.p50) +
    String(m.p99Ms).padEnd(columns.p99)
  )
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
