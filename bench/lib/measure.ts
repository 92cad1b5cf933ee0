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
  /**
   * With `cookies`: every `every`-th request goes to `path` instead and must answer
   * `expectBody` (the mixed path's writes among its reads). The reads and the others each
   * take the sessions in turn, so every session is read and every session is changed.
   */
  mix?: { every: number; path: string; expectBody: string }
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
    options.cookies === undefined
      ? undefined
      : roundRobin(options.cookies, options.expectBody, options.mix)
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

/**
 * One request that carries each of `cookies` in turn and counts bodies other than
 * `expectBody`; with `mix`, every `mix.every`-th request goes to `mix.path` (its own turn
 * over `cookies`) and must answer `mix.expectBody`. Each connection has one request in
 * flight (pipelining 1), so the body its response must have is kept in the connection's
 * context until the response comes.
 */
function roundRobin(
  cookies: readonly string[],
  expectBody: string,
  mix?: LoadOptions['mix'],
): { request: autocannon.Request; mismatches: () => number } {
  if (cookies.length === 0) throw new Error('cookies: expected at least one Cookie header')
  let sent = 0
  let nextMain = 0
  let nextMixed = 0
  let mismatches = 0
  const request: autocannon.Request = {
    setupRequest: (params, context) => {
      const mixed = mix !== undefined && ++sent % mix.every === 0
      const cookie = cookies[(mixed ? nextMixed++ : nextMain++) % cookies.length] as string
      context.expect = mixed ? mix.expectBody : expectBody
      const headers = { ...params.headers, cookie }
      return mixed ? { ...params, path: mix.path, headers } : { ...params, headers }
    },
    onResponse: (_status, body, context) => {
      if (body !== context.expect) mismatches++
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
