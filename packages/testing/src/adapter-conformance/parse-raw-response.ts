/**
 * An HTTP/1.1 response read to the end of a closed connection: status, headers, and the
 * body (a chunked one reassembled; none for 204, 304 or a HEAD request).
 * Throws when the bytes hold no complete head.
 */
export function parseRawResponse(raw: Buffer, method: string): Response {
  const split = raw.indexOf('\r\n\r\n')
  if (split === -1) throw new Error('incomplete HTTP response')
  const [statusLine = '', ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n')
  const status = Number(statusLine.split(' ')[1])
  const headers = new Headers()
  for (const line of lines) {
    const i = line.indexOf(':')
    headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim())
  }
  let body = raw.subarray(split + 4)
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = []
    let at = 0
    for (;;) {
      const eol = body.indexOf('\r\n', at)
      const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16)
      if (!size) break
      parts.push(body.subarray(eol + 2, eol + 2 + size))
      at = eol + 2 + size + 2
    }
    body = Buffer.concat(parts)
    headers.delete('transfer-encoding')
  }
  const empty = [204, 304].includes(status) || method === 'HEAD'
  return new Response(empty ? null : new Uint8Array(body), { status, headers })
}
