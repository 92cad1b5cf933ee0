import type { LoadOptions } from './measure.js'
import { openSessions, readEcho } from './session.js'
import type { Target } from './targets.js'

/**
 * The read-path load of `target` spread over `sessions` sessions, carried in turn (round
 * robin), instead of one session on every request: what a server with many users in
 * flight does, where no cache of the last parsed or verified session answers every read.
 * `load` is the one-session load {@link prepareRead} made for the same server.
 *
 * - A session target launched from a bundle logs in `sessions - 1` more times, and the
 *   last session must read back the same echo as the first.
 * - A target without sessions carries `sessions` cookies it never reads (`spread=0`, …),
 *   so that the load generator does the same work per request on both sides of a pair.
 * - The demo keeps its one session (its logins go through its login throttle and a
 *   password hash), carried in turn like the others for the same reason.
 */
export async function spreadRead(
  target: Target,
  baseUrl: string,
  load: Omit<LoadOptions, 'durationSeconds'>,
  sessions: number,
): Promise<Omit<LoadOptions, 'durationSeconds'>> {
  const first = load.headers.cookie
  let cookies: string[]
  if (!target.session) {
    cookies = Array.from({ length: sessions }, (_, i) => `spread=${i}`)
  } else if (first === undefined) {
    throw new Error(`${target.id}: the one-session load carries no cookie to spread`)
  } else if (target.launch === 'demo') {
    cookies = Array.from({ length: sessions }, () => first)
  } else {
    cookies = [first, ...(await openSessions(baseUrl, sessions - 1))]
    const last = cookies[cookies.length - 1] as string
    const echo = await readEcho(baseUrl, last)
    if (echo.status !== 200 || echo.body !== load.expectBody) {
      throw new Error(`${target.id}: the last of ${sessions} sessions read back ${echo.status}`)
    }
  }
  const { cookie: _one, ...headers } = load.headers
  return { ...load, headers, cookies }
}
