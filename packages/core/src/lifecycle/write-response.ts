import { copyResponseHeaders } from '../http/copy-response-headers.js'

/** A framework's response as {@link writeResponse} fills it. */
export interface ResponseTarget {
  status(code: number): void
  /** Sets one header; `Set-Cookie` arrives as the list of its values, one line each. */
  header(name: string, value: string | string[]): void
}

/**
 * Puts a core-built `Response` (400, 401, 403, 413, 503, JWKS, shared-session hops) on
 * a framework's own response object — its status and headers — and returns the body's
 * bytes for the framework to send. The one Web `Response` → native conversion every
 * Node adapter uses.
 *
 * @example
 * ```ts
 * res.end(await writeResponse(response, {
 *   status: (code) => { res.statusCode = code },
 *   header: (name, value) => res.setHeader(name, value),
 * }))
 * ```
 */
export async function writeResponse(
  response: Response,
  target: ResponseTarget,
): Promise<Uint8Array> {
  target.status(response.status)
  copyResponseHeaders(response, (name, value) => target.header(name, value))
  return new Uint8Array(await response.arrayBuffer())
}
