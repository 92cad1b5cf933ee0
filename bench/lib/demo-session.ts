import type { PreparedRequest } from './session.js'
import { cookiePairs } from './session.js'

/** The demo's route the `demo` target measures. */
export const demoPath = '/api/hello/'

const signal = (): AbortSignal => AbortSignal.timeout(10_000)

/**
 * Logs in to a running demo as its SPA does — `GET /api/csrf/` for the CSRF cookie and
 * token, then `POST /api/login/` (JSON, `X-CSRFToken`, same `Origin`) as the demo user
 * `admin` — and returns the Cookie header of the live session.
 */
export async function demoLogin(baseUrl: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/csrf/`, { signal: signal() })
  await csrf.arrayBuffer()
  const jar = new Map(cookiePairs(csrf).map((pair) => split(pair)))
  const token = jar.get('csrftoken')
  if (csrf.status !== 200 || token === undefined) {
    throw new Error(`GET /api/csrf/ answered ${csrf.status} without a csrftoken cookie`)
  }
  const login = await fetch(`${baseUrl}/api/login/`, {
    method: 'POST',
    headers: {
      cookie: header(jar),
      'content-type': 'application/json',
      'x-csrftoken': token,
      origin: baseUrl,
    },
    body: JSON.stringify({ username: 'admin', password: 'admin' }),
    signal: signal(),
  })
  const body = await login.text()
  if (login.status !== 200) throw new Error(`POST /api/login/ answered ${login.status} ${body}`)
  for (const pair of cookiePairs(login)) {
    const [name, value] = split(pair)
    if (value === '') jar.delete(name)
    else jar.set(name, value)
  }
  if (!jar.has('sessionid')) throw new Error('POST /api/login/ set no sessionid cookie')
  return header(jar)
}

/**
 * Setup and verification of the `demo` target: logs in, checks that `GET /api/hello/`
 * with the session answers 200 `{"message":"Hello admin"}` and without it anything but a
 * 200, so every measured request pays for loading the live session and its user.
 */
export async function prepareDemoRequest(baseUrl: string): Promise<PreparedRequest> {
  const cookie = await demoLogin(baseUrl)
  const hello = await fetch(`${baseUrl}${demoPath}`, { headers: { cookie }, signal: signal() })
  const expectBody = await hello.text()
  if (hello.status !== 200 || expectBody !== '{"message":"Hello admin"}') {
    throw new Error(`GET ${demoPath} with the session answered ${hello.status} ${expectBody}`)
  }
  const anonymous = await fetch(`${baseUrl}${demoPath}`, { signal: signal() })
  await anonymous.arrayBuffer()
  if (anonymous.status === 200) throw new Error(`GET ${demoPath} without a session answered 200`)
  return { headers: { cookie }, expectBody }
}

function split(pair: string): [string, string] {
  const eq = pair.indexOf('=')
  return [pair.slice(0, eq), pair.slice(eq + 1)]
}

const header = (jar: Map<string, string>): string =>
  [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
