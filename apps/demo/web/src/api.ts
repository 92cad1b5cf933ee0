import { loadSharedSession } from './shared-session.js'

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

// Behind HTTPS the server names it `__Host-csrftoken` (HOST_COOKIES); on plain HTTP `csrftoken`.
const CSRF_COOKIES = ['__Host-csrftoken', 'csrftoken']
const SESSION_TOKEN_HEADER = 'X-Session-Token'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * How this page authenticates, decided once at load (django-session-token):
 * - `'header token'`: the page is the embedding entry point `/embed/`, or it carries a
 *   token on `<html data-session-token>` and cookies are not available to it at all.
 *   Requests go with `credentials: 'omit'`; cookies are never read or sent and no CSRF
 *   token is needed (the server exempts requests with a valid header token). Until the
 *   page has a token, safe requests go anonymous and the first unsafe one (the login)
 *   asks `/api/session-token/` for one first, so an anonymous view stores no session.
 * - `'cookie'`: the session cookie plus a CSRF token on every unsafe request. The server
 *   never puts a token on a cookie page (only on `/embed/` and on pages requested with
 *   `X-Session-Token`), so no script-readable credential sits beside the HttpOnly cookie.
 */
export type AuthMode = 'header token' | 'cookie'

const pageToken = document.documentElement.dataset.sessionToken || undefined

export const authMode: AuthMode =
  location.pathname.startsWith('/embed/') || (pageToken !== undefined && !cookiesAvailable())
    ? 'header token'
    : 'cookie'

/** The current header token; `undefined` in cookie mode, or after logout until renewed. */
let sessionToken: string | undefined = authMode === 'header token' ? pageToken : undefined

/** False in a sandboxed iframe (document.cookie throws) or with cookies switched off. */
function cookiesAvailable(): boolean {
  try {
    void document.cookie
    return navigator.cookieEnabled
  } catch {
    return false
  }
}

/** Fetches a fresh CSRF token; the response also (re)sets the `csrftoken` cookie. */
export async function fetchCsrfToken(): Promise<string> {
  const { csrfToken } = await request<{ csrfToken: string }>('GET', '/api/csrf/')
  return csrfToken
}

/**
 * Gets the page ready for its first unsafe request. Cookie mode plants the `csrftoken`
 * cookie; header-token mode needs nothing (and must not create a cookie session).
 */
export async function prepareSession(): Promise<void> {
  if (authMode === 'cookie') await fetchCsrfToken()
}

/** The user behind the current session (cookie or header token), or `null`. */
export async function getMe(): Promise<User | null> {
  return (await request<{ user: User | null }>('GET', '/api/me/')).user
}

/**
 * Logs in. Cookie mode: the server answers with a new session cookie and a rotated CSRF
 * cookie. Header-token mode: login rotated the token too, and the answer carries the new
 * one in `sessionToken`; the old one is dead from now on.
 */
export async function login(username: string, password: string): Promise<User> {
  const data = await request<{ user: User; sessionToken?: unknown }>('POST', '/api/login/', {
    username,
    password,
  })
  keepToken(data)
  // django-shared-session: hand the new session to the other sites without reloading this one.
  if (authMode === 'cookie') void loadSharedSession()
  return data.user
}

/**
 * Logs out. In header-token mode the flushed session took its tokens with it, so a
 * fresh anonymous token is fetched for the next login (retried lazily by the next
 * request if this fetch fails).
 */
export async function logout(): Promise<void> {
  await request('POST', '/api/logout/')
  if (authMode === 'header token') {
    sessionToken = undefined
    await renewSessionToken()
  }
}

/** The cart kept in the session, signed in or not. */
export async function getCart(): Promise<string[]> {
  return (await request<{ items: string[] }>('GET', '/api/cart/')).items
}

/**
 * Adds one item to the session's cart. The first item makes an anonymous session worth
 * storing, so it is then handed to the other sites too (django-shared-session shares
 * anonymous sessions), without reloading this page.
 */
export async function addToCart(item: string): Promise<string[]> {
  const { items } = await request<{ items: string[] }>('POST', '/api/cart/', { item })
  if (authMode === 'cookie') void loadSharedSession()
  return items
}

/** The greeting only a signed-in user gets ("Hello admin"). */
export async function getHello(): Promise<string> {
  return (await request<{ message: string }>('GET', '/api/hello/')).message
}

/** One row of "Your sessions", as `GET /api/sessions/` returns it. */
export interface SessionRow {
  /** Public id: not a credential, safe in a URL. */
  id: string
  current: boolean
  label: string
  browser: string | null
  os: string | null
  device: 'desktop' | 'mobile' | 'tablet' | 'unknown'
  ip: string | null
  createdAt: string
  lastSeenAt: string
}

/** The user's sessions, the current one first, and whether the login is recent. */
export async function listSessions(): Promise<{ sessions: SessionRow[]; fresh: boolean }> {
  return request('GET', '/api/sessions/')
}

/** Ends one session; `current: true` means this page just signed itself out. */
export async function revokeSession(id: string): Promise<{ current: boolean }> {
  return request('DELETE', `/api/sessions/${encodeURIComponent(id)}/`)
}

/**
 * Signs out every other session. Needs a recent login: otherwise it fails with
 * `ApiError` 403, code `reauthentication_required` — ask for the password, call
 * {@link reauthenticate}, and try again.
 */
export async function revokeOtherSessions(): Promise<number> {
  return (await request<{ revoked: number }>('POST', '/api/sessions/revoke-others/')).revoked
}

/** Confirms the password; the session is fresh again (and has a new credential). */
export async function reauthenticate(password: string): Promise<void> {
  keepToken(await request<{ sessionToken?: unknown }>('POST', '/api/reauthenticate/', { password }))
}

/** Changes the password; every other session ends, this one goes on. */
export async function changePassword(oldPassword: string, newPassword: string): Promise<number> {
  const data = await request<{ ended: number; sessionToken?: unknown }>('POST', '/api/password/', {
    oldPassword,
    newPassword,
  })
  keepToken(data)
  return data.ended
}

/** Re-authentication rotates the header token too; a token-mode page takes the new one. */
function keepToken(data: { sessionToken?: unknown }): void {
  if (authMode === 'header token' && typeof data.sessionToken === 'string' && data.sessionToken)
    sessionToken = data.sessionToken
}

/** Replaces the header token with a new one for a new anonymous session. */
async function renewSessionToken(): Promise<string> {
  // Sent without a token (there is no live one) and without cookies: the server starts
  // a new session and names it by the returned token only.
  const { sessionToken: token } = await send<{ sessionToken: string }>(
    'GET',
    '/api/session-token/',
    { Accept: 'application/json' },
    undefined,
    'omit',
  )
  sessionToken = token
  return token
}

async function request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (authMode === 'header token') {
    const token = sessionToken ?? (UNSAFE.has(method) ? await renewSessionToken() : undefined)
    if (token !== undefined) headers[SESSION_TOKEN_HEADER] = token
    return send<T>(method, path, headers, body, 'omit')
  }
  // Read the cookie right before every unsafe request: login rotates the token, so a
  // value remembered from page load would be refused afterwards.
  if (UNSAFE.has(method))
    headers['X-CSRFToken'] =
      CSRF_COOKIES.map(readCookie).find((v) => v !== undefined) ?? (await fetchCsrfToken())
  return send<T>(method, path, headers, body, 'same-origin')
}

async function send<T>(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  credentials: RequestCredentials,
): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials,
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
