import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An attacker's site: pages that try to make a visitor's browser log out of `target`. */
export interface EvilServer {
  port: number
  /** `http://<host>:<port>`, the attacker's origin. */
  origin: string
  close(): Promise<void>
}

/**
 * The attacks, one page each. Every page also copies the `csrftoken` cookie into the
 * request when it can read it: cookies are not isolated by port, so a page on
 * `http://localhost:<other port>` can, and then only the server's Origin and
 * content-type checks stand between it and the victim's session.
 * - `/form`: an auto-submitted urlencoded form, the classic CSRF.
 * - `/text`: an `enctype="text/plain"` form whose body looks like JSON.
 * - `/fetch`: `fetch` with `mode: 'no-cors'` and `credentials: 'include'`.
 * - `/cors`: `fetch` with a JSON body and an `X-CSRFToken` header, which needs a
 *   preflight the API must not grant.
 * - `/script?src=<url>[&referrer=<policy>]`: a `<script>` of any URL, such as a
 *   shared-session script URL the attacker minted for their own session (login CSRF).
 * - `/link?href=<url>`: a link to any URL, for the victim to follow.
 * Fetch pages report through `document.title` (`done:…`).
 *
 * `host` is the loopback address to serve on: another one than the target's (any of
 * 127.0.0.0/8) makes the attacker a different *site*, not only a different origin.
 */
export async function startEvilServer(target: string, host = '127.0.0.1'): Promise<EvilServer> {
  const action = `${target}/api/logout/`
  const readToken = `const token = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1] || 'forged'`
  const pages: Record<string, string> = {
    '/form': `<form id="f" method="POST" action="${action}">
        <input type="hidden" name="csrfmiddlewaretoken" id="t" value="forged"></form>
      <script>${readToken}; document.getElementById('t').value = token
        document.getElementById('f').submit()</script>`,
    '/text': `<form id="f" method="POST" enctype="text/plain" action="${action}">
        <input type="hidden" id="t" name='{"csrfToken":"' value='forged"}'></form>
      <script>${readToken}; document.getElementById('t').value = token + '"}'
        document.getElementById('f').submit()</script>`,
    '/fetch': `<script>${readToken}
      fetch(${JSON.stringify(action)}, { method: 'POST', mode: 'no-cors', credentials: 'include',
        headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ csrfToken: token }) })
        .then(() => { document.title = 'done:opaque' }, (e) => { document.title = 'done:' + e })
      </script>`,
    '/cors': `<script>${readToken}
      fetch(${JSON.stringify(action)}, { method: 'POST', mode: 'cors', credentials: 'include',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: '{}' })
        .then((r) => { document.title = 'done:' + r.status }, (e) => { document.title = 'done:blocked' })
      </script>`,
  }
  const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')
  const dynamic: Record<string, (query: URLSearchParams) => string> = {
    '/script': (q) =>
      `<script src="${attribute(q.get('src') ?? '')}" referrerpolicy="${attribute(q.get('referrer') ?? 'strict-origin-when-cross-origin')}"></script>`,
    '/link': (q) => `<a id="go" href="${attribute(q.get('href') ?? '')}">Claim your prize</a>`,
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://evil')
    const body = pages[url.pathname] ?? dynamic[url.pathname]?.(url.searchParams)
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(body ? `<!doctype html><title>Win a prize</title><h1>Win a prize</h1>${body}` : '')
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    origin: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
