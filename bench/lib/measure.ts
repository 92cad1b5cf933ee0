/// <reference path="../types/autocannon.d.ts" />
import autocannon from 'autocannon'
import type { PreparedRequest } from './session.js'

export interface LoadOptions extends PreparedRequest {
  url: string
  durationSeconds: number
  /** @default 50 */
  connections?: number
}

/** The numbers one autocannon run produced; `problems()` says whether they can be trusted. */
export interface Measurement {
  /** Mean of autocannon's per-second samples. */
  requestsPerSecond: number
  p99Ms: number
  latencyAverageMs: number
  responses2xx: number
  non2xx: number
  errors: number
  timeouts: number
  /** Responses whose body differed from the verified session echo. */
  mismatches: number
  durationSeconds: number
}

/**
 * Runs autocannon against `url` with one keep-alive GET per connection in flight
 * (pipelining 1), carrying the prepared headers, and checks every body against
 * `expectBody`. Reports numbers only; pair with `problems()`.
 */
export async function measure(options: LoadOptions): Promise<Measurement> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 50,
    pipelining: 1,
    duration: options.durationSeconds,
    headers: options.headers,
    expectBody: options.expectBody,
  })
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    latencyAverageMs: result.latency.average,
    responses2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    durationSeconds: result.duration,
  }
}

/**
 * Why a measurement must not be reported: any non-2xx response, socket error, timeout or
 * wrong body, or no successful response at all. An error page is cheaper to serve than a
 * session lookup, so a target that fails would otherwise print a flattering number.
 */
export function problems(m: Measurement): string[] {
  const found: string[] = []
  if (m.non2xx > 0) found.push(`${m.non2xx} non-2xx responses`)
  if (m.errors > 0) found.push(`${m.errors} errors`)
  if (m.timeouts > 0) found.push(`${m.timeouts} timeouts`)
  if (m.mismatches > 0) found.push(`${m.mismatches} responses with a body other than the echo`)
  if (m.responses2xx === 0) found.push('no 2xx response')
  return found
}
