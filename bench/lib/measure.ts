/// <reference path="../types/autocannon.d.ts" />
import autocannon from 'autocannon'
import type { PreparedRequest } from './session.js'

export interface LoadOptions extends PreparedRequest {
  url: string
  durationSeconds: number
  /** @default 50 */
  connections?: number
  /**
   * `Cookie` headers to send in turn, one per request (round robin), instead of the one in
   * `headers`: the write path spreads its writes over many sessions, as many users do,
   * rather than making 50 connections fight over one session's version.
   */
  cookies?: readonly string[]
}

/** The numbers one autocannon run produced; `problems()` says whether they can be trusted. */
export interface Measurement {
  /** Mean of autocannon's per-second samples. */
  requestsPerSecond: number
  p50Ms: number
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
  const rotation =
    options.cookies === undefined ? undefined : roundRobin(options.cookies, options.expectBody)
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 50,
    pipelining: 1,
    duration: options.durationSeconds,
    headers: options.headers,
    // autocannon refuses `expectBody` beside `requests`: the round robin checks bodies itself.
    ...(rotation === undefined
      ? { expectBody: options.expectBody }
      : { requests: [rotation.request] }),
  })
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    latencyAverageMs: result.latency.average,
    responses2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches + (rotation?.mismatches() ?? 0),
    durationSeconds: result.duration,
  }
}

/** One request that carries each of `cookies` in turn and counts bodies other than `expectBody`. */
function roundRobin(
  cookies: readonly string[],
  expectBody: string,
): { request: autocannon.Request; mismatches: () => number } {
  if (cookies.length === 0) throw new Error('cookies: expected at least one Cookie header')
  let next = 0
  let mismatches = 0
  const request: autocannon.Request = {
    setupRequest: (params) => {
      const cookie = cookies[next++ % cookies.length] as string
      return { ...params, headers: { ...params.headers, cookie } }
    },
    onResponse: (_status, body) => {
      if (body !== expectBody) mismatches++
    },
  }
  return { request, mismatches: () => mismatches }
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

/**
 * `m` itself when {@link problems} finds nothing; else throws, naming `label` (a probe's
 * counts over failed responses would mean nothing).
 */
export function checked(label: string, m: Measurement): Measurement {
  const found = problems(m)
  if (found.length > 0) throw new Error(`${label}: ${found.join(', ')}`)
  return m
}
