import type { LoadOptions } from './measure.js'
import { openSession, openSessions } from './session.js'

/** The measured paths: the read path of every target, and the two writes of session targets. */
export type Phase = 'read' | 'login' | 'write'

/** How many sessions the write phase spreads its writes over (round robin). */
export const writeSessions = 200

const ok = '{"ok":true}'
const timeout = (): AbortSignal => AbortSignal.timeout(5_000)

/**
 * Setup and verification of the login phase: `GET /login` without a cookie must answer
 * `{"ok":true}` and set a session cookie, and that cookie must read back the user, so each
 * measured request really creates and stores a new session.
 */
export async function prepareLogin(baseUrl: string): Promise<Omit<LoadOptions, 'durationSeconds'>> {
  const cookie = await openSession(baseUrl)
  const echo = await fetch(`${baseUrl}/`, { headers: { cookie }, signal: timeout() })
  const body = await echo.text()
  if (body !== '{"user":"bench"}') throw new Error(`a new session read back ${body}`)
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
  for (let i = 0; i < 2; i++) {
    const write = await fetch(`${baseUrl}/write`, { headers: first, signal: timeout() })
    const body = await write.text()
    if (write.status !== 200 || body !== ok) {
      throw new Error(`GET /write answered ${write.status} ${body.slice(0, 200)}`)
    }
  }
  const count = await (
    await fetch(`${baseUrl}/count`, { headers: first, signal: timeout() })
  ).text()
  if (count !== '{"n":2}')
    throw new Error(`after two writes GET /count answered ${count.slice(0, 200)}`)
  return { url: `${baseUrl}/write`, headers: {}, expectBody: ok, cookies }
}
