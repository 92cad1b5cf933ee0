/** What every measured request sends, and the body every response must have. */
export interface PreparedRequest {
  headers: Record<string, string>
  /** The exact body of GET / with the session, e.g. `{"user":"bench"}`. */
  expectBody: string
}

const requestTimeoutMs = 5_000

/**
 * Setup step: GET /login creates a live session; returns the `Cookie` header that carries it
 * (every `name=value` pair the server set). Throws if the server set no cookie.
 */
export async function openSession(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    signal: AbortSignal.timeout(requestTimeoutMs),
  })
  await response.arrayBuffer()
  if (!response.ok) throw new Error(`GET /login answered ${response.status}`)
  const pairs = cookiePairs(response)
  if (pairs.length === 0) throw new Error('GET /login set no cookie')
  return pairs.join('; ')
}

/** How many logins {@link openSessions} keeps in flight at once. */
const openingConcurrency = 16

/** Setup step: `count` live sessions, each through {@link openSession}, 16 logins at a time. */
export async function openSessions(baseUrl: string, count: number): Promise<string[]> {
  const cookies: string[] = []
  while (cookies.length < count) {
    const batch = Math.min(openingConcurrency, count - cookies.length)
    cookies.push(...(await Promise.all(Array.from({ length: batch }, () => openSession(baseUrl)))))
  }
  return cookies
}

/** The `name=value` pairs of every Set-Cookie of `response` (attributes dropped). */
export function cookiePairs(response: Response): string[] {
  return response.headers
    .getSetCookie()
    .map((header) => header.split(';', 1)[0]?.trim() ?? '')
    .filter((pair) => pair.includes('='))
}

/** GET / (with the cookie, if any); returns the status and the raw body text. */
export async function readEcho(
  baseUrl: string,
  cookie?: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${baseUrl}/`, {
    headers: cookie === undefined ? {} : { cookie },
    signal: AbortSignal.timeout(requestTimeoutMs),
  })
  return { status: response.status, body: await response.text() }
}

/**
 * Setup and verification for one target: logs in when the target has sessions, then checks
 * that GET / really echoes the session's user. For session targets it also checks that the
 * same request without the cookie answers `user: null`, so the echo is proven to come from
 * the session and the measured requests pay for the session lookup.
 */
export async function prepareRequest(
  baseUrl: string,
  usesSession: boolean,
): Promise<PreparedRequest> {
  const cookie = usesSession ? await openSession(baseUrl) : undefined
  const echo = await readEcho(baseUrl, cookie)
  if (echo.status !== 200 || userOf(echo.body) !== 'bench') {
    throw new Error(`GET / with the session answered ${echo.status} ${truncate(echo.body)}`)
  }
  if (usesSession) {
    const anonymous = await readEcho(baseUrl)
    if (anonymous.status !== 200 || userOf(anonymous.body) !== null) {
      throw new Error(
        `GET / without a session answered ${anonymous.status} ${truncate(anonymous.body)}, expected user null`,
      )
    }
  }
  return { headers: cookie === undefined ? {} : { cookie }, expectBody: echo.body }
}

function userOf(body: string): unknown {
  try {
    const parsed: unknown = JSON.parse(body)
    return typeof parsed === 'object' && parsed !== null && 'user' in parsed
      ? parsed.user
      : undefined
  } catch {
    return undefined
  }
}

const truncate = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text)
