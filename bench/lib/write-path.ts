import type { LoadOptions } from './measure.js'
import { openSession, openSessions } from './session.js'

/**
 * The measured paths: the read path of every target; the two writes of session targets;
 * and `mixed`, reads with a write among them over many sessions.
 */
export type Phase = 'read' | 'login' | 'write' | 'mixed'

/** How many sessions the write phase spreads its writes over (round robin). */
export const writeSessions = 200

/** How many sessions the mixed phase spreads its reads and writes over (each in turn). */
export const mixedSessions = 1000

/** On the mixed phase, one request in this many changes its session; the others read. */
export const mixedWriteEvery = 10

const ok = '{"ok":true}'
const readBody = '{"user":"bench"}'
const timeout = (): AbortSignal => AbortSignal.timeout(5_000)

/**
 * Setup and verification of the login phase: `GET /login` without a cookie must answer
 * `{"ok":true}` and set a session cookie, and that cookie must read back the user, so each
 * measured request really creates and stores a new session.
 */
export async function prepareLogin(baseUrl: string): Promise<Omit<LoadOptions, 'durationSeconds'>> {
  const cookie = await openSession(baseUrl)
  await expectAnswer(`${baseUrl}/`, { cookie }, readBody, 'a new session: GET /')
  return { url: `${baseUrl}/login`, headers: {}, expectBody: ok }
}

/**
 * Setup and verification of the write phase: opens {@link writeSessions} sessions, then
 * checks on the first that two `GET /write` answer `{"ok":true}` and that `GET /count`
 * reads back `{"n":2}`, so each measured request really changes a stored session.
 */
export async function prepareWrite(baseUrl: string): Promise<Omit<LoadOptions, 'durationSeconds'>> {
  const cookies = await openSessions(baseUrl, writeSessions)
  const first = { cookie: cookies[0] as string }
  for (let i = 0; i < 2; i++) await expectAnswer(`${baseUrl}/write`, first, ok, 'GET /write')
  await expectAnswer(`${baseUrl}/count`, first, '{"n":2}', 'after two writes GET /count')
  return { url: `${baseUrl}/write`, headers: {}, expectBody: ok, cookies }
}

/**
 * Setup and verification of the mixed phase: opens {@link mixedSessions} sessions, then
 * checks on the first that `GET /` reads back its user, `GET /write` answers `{"ok":true}`
 * and `GET /count` then reads `{"n":1}`. The load sends `GET /` with each session in turn,
 * and every {@link mixedWriteEvery}-th request is a `GET /write` instead, again with each
 * session in turn: a store that keeps what it read must serve the reads of every other
 * session while one of them changes.
 */
export async function prepareMixed(baseUrl: string): Promise<Omit<LoadOptions, 'durationSeconds'>> {
  const cookies = await openSessions(baseUrl, mixedSessions)
  const first = { cookie: cookies[0] as string }
  await expectAnswer(`${baseUrl}/`, first, readBody, 'GET /')
  await expectAnswer(`${baseUrl}/write`, first, ok, 'GET /write')
  await expectAnswer(`${baseUrl}/count`, first, '{"n":1}', 'after one write GET /count')
  return {
    url: `${baseUrl}/`,
    headers: {},
    expectBody: readBody,
    cookies,
    mix: { every: mixedWriteEvery, path: '/write', expectBody: ok },
  }
}

/** `GET url` with `headers` must answer 200 with exactly `expected`; else throws, naming `what`. */
async function expectAnswer(
  url: string,
  headers: Record<string, string>,
  expected: string,
  what: string,
): Promise<void> {
  const response = await fetch(url, { headers, signal: timeout() })
  const body = await response.text()
  if (response.status !== 200 || body !== expected) {
    throw new Error(`${what} answered ${response.status} ${body.slice(0, 200)}`)
  }
}
