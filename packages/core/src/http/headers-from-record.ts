/**
 * Web `Headers` from a Node-style header record (`req.headers` in Node, Express and
 * Fastify), for core functions that take `Headers` such as `checkCsrf`. Repeated values
 * are appended (so `get` joins them with `, `, as Node does). A value `Headers` refuses
 * (bytes a lax parser let through) is left out rather than thrown: untrusted input never
 * throws, and a header that cannot be read is no evidence for the request.
 *
 * @example
 * ```ts
 * const failure = await checkCsrf({ method: req.method, url, headers: headersFromRecord(req.headers), secure }, session, options)
 * ```
 */
export function headersFromRecord(
  record: Readonly<Record<string, string | readonly string[] | undefined>>,
): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue
    try {
      if (typeof value === 'string') headers.append(name, value)
      else for (const v of value) headers.append(name, v)
    } catch {}
  }
  return headers
}
