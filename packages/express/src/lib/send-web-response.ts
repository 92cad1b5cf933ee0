import type { ServerResponse } from 'node:http'
import { copyResponseHeaders } from '@tessera/core'

/**
 * Answers with a core-built Web `Response` (401, 403, 413, 503, JWKS, shared-session
 * hops): its status, headers and body.
 * `end` is the function that really writes, so the session gate can bypass itself.
 */
export async function sendWebResponse(
  res: ServerResponse,
  response: Response,
  end: (body: string) => void = (body) => res.end(body),
): Promise<void> {
  const body = await response.text()
  res.statusCode = response.status
  copyResponseHeaders(response, (name, value) => res.setHeader(name, value))
  end(body)
}
