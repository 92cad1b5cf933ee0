/** Anything with Hono's `request()`: the app under test, on whichever adapter. */
export interface Requestable {
  request(input: string, init?: RequestInit): Response | Promise<Response>
}

/**
 * A cookie-keeping client for `app.request()`: it stores what Set-Cookie gives
 * (honouring Max-Age=0) and sends it back, as a browser would on one origin.
 */
export class Client {
  readonly jar = new Map<string, string>()
  lastSetCookies: string[] = []

  constructor(
    readonly app: Requestable,
    readonly origin = 'http://demo.test',
  ) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name)
  }

  async request(
    path: string,
    init: RequestInit & { json?: unknown; csrf?: boolean } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.jar.size > 0 && !headers.has('cookie')) {
      headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '))
    }
    let body = init.body
    if (init.json !== undefined) {
      body = JSON.stringify(init.json)
      if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    }
    const method = init.method ?? (body === undefined ? 'GET' : 'POST')
    if (init.csrf !== false && method !== 'GET' && !headers.has('x-csrftoken')) {
      const token = this.jar.get('csrftoken')
      if (token) headers.set('x-csrftoken', token)
      if (!headers.has('origin')) headers.set('origin', this.origin)
    }
    const res = await this.app.request(`${this.origin}${path}`, { ...init, method, headers, body })
    this.lastSetCookies = res.headers.getSetCookie()
    for (const header of this.lastSetCookies) {
      const [pair = '', ...attrs] = header.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (attrs.some((a) => a.trim().toLowerCase() === 'max-age=0') || value === '')
        this.jar.delete(name)
      else this.jar.set(name, value)
    }
    return res
  }

  /** GET /api/csrf/ then POST /api/login/. */
  async login(username: string, password: string, query = ''): Promise<Response> {
    await this.request('/api/csrf/')
    return this.request(`/api/login/${query}`, { json: { username, password } })
  }
}
