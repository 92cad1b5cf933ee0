import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An attacker's site: pages that try to make a visitor's browser log out of `target`. */
export interface EvilServer {
  port: number
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
 * Fetch pages report through `document.title` (`done:…`).
 */
export async function startEvilServer(target: string): Promise<EvilServer> {
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
  const server = createServer((req, res) => {
    const body = pages[new URL(req.url ?? '/', 'http://evil').pathname]
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(body ? `<!doctype html><title>Win a prize</title><h1>Win a prize</h1>${body}` : '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
