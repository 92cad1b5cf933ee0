import type { FastifyInstance } from 'fastify'

/**
 * Sends a Web `Request` through `fastify.inject()` and returns the answer as a Web
 * `Response`, every `Set-Cookie` kept as its own value. Inject has no TLS socket, so the
 * bridge plays the TLS-terminating proxy: it always overwrites `X-Forwarded-Proto` with
 * the URL's scheme, and the app under test trusts its loopback proxy (Fastify's own
 * `trustProxy: '127.0.0.1'`); the plugin keeps its default options. A request that
 * already carries `X-Forwarded-Proto` stands for one that came through another proxy:
 * it is injected unchanged from `192.0.2.10`, an address Fastify does not trust, so only
 * the plugin's own `trustProxy` can believe its forwarded headers.
 */
export async function injectRequest(app: FastifyInstance, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  headers.host = url.host
  const proxied = request.headers.has('x-forwarded-proto')
  if (!proxied) headers['x-forwarded-proto'] = url.protocol.slice(0, -1)
  const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer())
  const res = await app.inject({
    method: request.method as 'GET',
    url: url.pathname + url.search,
    headers,
    ...(proxied ? { remoteAddress: '192.0.2.10' } : {}),
    ...(body === undefined ? {} : { payload: body }),
  })
  const out = new Headers()
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, String(v))
  }
  const noBody = [101, 204, 205, 304].includes(res.statusCode) || request.method === 'HEAD'
  return new Response(noBody ? null : new Uint8Array(res.rawPayload), {
    status: res.statusCode,
    headers: out,
  })
}

/**
 * Sends a Web `Request` to a listening server at `origin` over real HTTP, redirects not
 * followed. The scheme is carried in `X-Forwarded-Proto`, as by {@link injectRequest}.
 */
export async function fetchRequest(origin: string, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const headers = new Headers(request.headers)
  headers.set('x-forwarded-proto', url.protocol.slice(0, -1))
  const body = request.body === null ? undefined : await request.arrayBuffer()
  return fetch(new URL(url.pathname + url.search, origin), {
    method: request.method,
    headers,
    body,
    redirect: 'manual',
  })
}
