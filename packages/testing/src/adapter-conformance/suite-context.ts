import type { JwtSessionOptions, SessionStore } from '@tessera/core'
import type { AdapterApp } from './adapter-harness.js'

/** The origin of in-process requests; `HTTPS` is the same host over HTTPS. */
export const HTTP = 'http://adapter.test'
export const HTTPS = 'https://adapter.test'
/** The secret of every manager the suite builds. */
export const SECRET = 'adapter-conformance-secret-0123456789abcdef'
/** `iss` and `aud` of the suite's session JWTs. */
export const JWT_ISSUER = 'http://adapter.test'
export const JWT_AUDIENCE = 'http://adapter.test'

/** One request of a case. */
export interface Send {
  /** @default 'POST' with `json`, else 'GET' */
  method?: string
  /** `HTTP`, `HTTPS`, or a real server's base URL. @default HTTP */
  base?: string
  /** The whole `Cookie` header. */
  cookie?: string
  headers?: Record<string, string>
  /** Sent as an `application/json` body. */
  json?: unknown
  /** Sent as is (with whatever `content-type` `headers` names). */
  body?: string
}

/** An app of the current test and how to talk to it. */
export interface OpenApp {
  readonly app: AdapterApp
  /** Sends through `app.fetch`. */
  send(path: string, init?: Send): Promise<Response>
  /** Sends over real HTTP to `app.url` when the adapter has a real port, else as `send`. */
  sendOverNetwork(path: string, init?: Send): Promise<Response>
  /** How many times the app asked the suite's `users` for a user by id. */
  readonly userLookups: { readonly count: number }
}

/** Options of one app: the suite's own store, or a store it sabotages. */
export interface OpenOptions {
  store?: SessionStore
  /** Milliseconds; see `SessionManagerOptions.storeTimeout`. */
  storeTimeout?: number
  /** The `jwt` session format with these options (issuer and audience default to the suite's). */
  jwt?: Partial<JwtSessionOptions> & Pick<JwtSessionOptions, 'keys'>
  /** Passed to `setup` as `allowedHosts`. */
  allowedHosts?: readonly string[]
  /** Passed to `setup` as `bodyLimit`. */
  bodyLimit?: number
  /** Passed to `setup` as `trustProxy`. */
  trustProxy?: boolean
}

/** What each group of adapter cases reads. */
export interface AdapterSuiteContext {
  open(options?: OpenOptions): Promise<OpenApp>
  readonly concurrency: number
  readonly hostileRuns: number
  readonly realPort: boolean
}

/** Builds the `Request` for {@link Send}. */
export function buildRequest(path: string, init: Send = {}): Request {
  const headers = new Headers(init.headers)
  if (init.cookie !== undefined) headers.set('cookie', init.cookie)
  let body: string | undefined = init.body
  if (init.json !== undefined) {
    body = JSON.stringify(init.json)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  }
  const method = init.method ?? (body === undefined ? 'GET' : 'POST')
  return new Request(`${init.base ?? HTTP}${path}`, { method, headers, body })
}

/** The `name=value` part of a response's session cookie; throws if there is none. */
export function sessionCookie(res: Response): string {
  const header = sessionSetCookies(res)[0]
  if (!header) throw new Error('the response set no session cookie')
  return header.split(';')[0] as string
}

/** The response's `Set-Cookie` values for the session cookie. */
export function sessionSetCookies(res: Response): string[] {
  return res.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))
}

/** Whether a list header (`Vary`) names `token`, case-insensitively. */
export function listHas(value: string | null, token: string): boolean {
  if (value === null) return false
  return value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .includes(token.toLowerCase())
}

/** A `Set-Cookie` value as its name, value and attributes (names lowercased). */
export function parseSetCookie(header: string): {
  name: string
  value: string
  attributes: Map<string, string>
} {
  const [pair = '', ...rest] = header.split(';')
  const eq = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const part of rest) {
    const i = part.indexOf('=')
    const key = (i === -1 ? part : part.slice(0, i)).trim().toLowerCase()
    attributes.set(key, i === -1 ? '' : part.slice(i + 1).trim())
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes }
}
