/** A signed-in user, as the demo API returns it. */
export interface User {
  id: string | number
  username: string
}

/**
 * A non-2xx answer from the API. `detail` is the server's own message; `retryAfter`
 * (seconds) is set on 429 from the JSON body or the `Retry-After` header.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code?: string,
    readonly retryAfter?: number,
  ) {
    super(detail)
    this.name = 'ApiError'
  }
}

const CSRF_COOKIE = 'csrftoken'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Fetches a fresh CSRF token; the response also (re)sets the `csrftoken` cookie. */
export async function fetchCsrfToken(): Promise<string> {
  const { csrfToken } = await request<{ csrfToken: string }>('GET', '/api/csrf/')
  return csrfToken
}

/** The user behind the current session cookie, or `null`. */
export async function getMe(): Promise<User | null> {
  return (await request<{ user: User | null }>('GET', '/api/me/')).user
}

/** Logs in; the server answers with a new session cookie and a rotated CSRF cookie. */
export async function login(username: string, password: string): Promise<User> {
  return (await request<{ user: User }>('POST', '/api/login/', { username, password })).user
}

export async function logout(): Promise<void> {
  await request('POST', '/api/logout/')
}

/** The greeting only a signed-in user gets ("Hello admin"). */
export async function getHello(): Promise<string> {
  return (await request<{ message: string }>('GET', '/api/hello/')).message
}

async function request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  // Read the cookie right before every unsafe request: login rotates the token, so a
  // value remembered from page load would be refused afterwards.
  if (UNSAFE.has(method))
    headers['X-CSRFToken'] = readCookie(CSRF_COOKIE) ?? (await fetchCsrfToken())
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, 'The server could not be reached.')
  }
  const data = await res.json().catch(() => undefined)
  if (res.ok) return data as T
  const detail = typeof data?.detail === 'string' ? data.detail : `Request failed (${res.status}).`
  const code = typeof data?.code === 'string' ? data.code : undefined
  throw new ApiError(res.status, detail, code, retryAfterSeconds(res, data))
}

function retryAfterSeconds(res: Response, data: { retryAfter?: unknown } | undefined) {
  if (res.status !== 429) return undefined
  const fromBody = Number(data?.retryAfter)
  if (Number.isFinite(fromBody) && fromBody > 0) return Math.ceil(fromBody)
  const fromHeader = Number(res.headers.get('Retry-After'))
  return Number.isFinite(fromHeader) && fromHeader > 0 ? Math.ceil(fromHeader) : undefined
}

function readCookie(name: string): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue
    const value = pair.slice(eq + 1).trim()
    try {
      return decodeURIComponent(value) || undefined
    } catch {
      return value || undefined
    }
  }
  return undefined
}
