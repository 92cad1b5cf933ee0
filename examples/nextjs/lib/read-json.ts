/** Largest JSON body a route reads: a login needs a few hundred bytes. */
const MAX_BODY = 16 * 1024

/**
 * The JSON object in a request body, or the 4xx answer to return as is: `415` unless the
 * type is `application/json` (a cross-site form cannot send it without a preflight),
 * `413` beyond 16 KiB (counted while reading, so a chunked body cannot grow past it),
 * `400` for bytes that are not JSON. Never throws on what the client sent.
 */
export async function readJsonObject(
  request: Request,
): Promise<{ ok: true; fields: Record<string, unknown> } | { ok: false; response: Response }> {
  const fail = (detail: string, status: number) => ({
    ok: false as const,
    response: Response.json({ detail }, { status }),
  })
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) {
    return fail('Unsupported media type in request; send application/json.', 415)
  }
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > MAX_BODY) return fail('Request body too large.', 413)
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    const reader = request.body?.getReader()
    for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
      size += part.value.byteLength
      if (size > MAX_BODY) {
        await reader?.cancel()
        return fail('Request body too large.', 413)
      }
      chunks.push(part.value)
    }
  } catch {
    return fail('Request body could not be read.', 400)
  }
  let body: unknown
  try {
    body = JSON.parse(new TextDecoder().decode(Buffer.concat(chunks)))
  } catch {
    return fail('JSON parse error.', 400)
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  return { ok: true, fields }
}
