import type { ServerResponse } from 'node:http'

/**
 * Answers with a core-built Web `Response` (403, 503): its status, headers and body.
 * `end` is the function that really writes, so the session gate can bypass itself.
 */
export async function sendWebResponse(
  res: ServerResponse,
  response: Response,
  end: (body: string) => void = (body) => res.end(body),
): Promise<void> {
  const body = await response.text()
  res.statusCode = response.status
  for (const [name, value] of response.headers) {
    // Headers iterates each Set-Cookie on its own; setHeader would keep only the last.
    if (name !== 'set-cookie') res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  end(body)
}
